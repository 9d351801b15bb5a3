import { describeStorageConformance } from '@pos/integrations-core/testing';
import { createSqliteStorage } from '../src/index.js';

describeStorageConformance({
  name: 'sqlite (:memory:)',
  create: () => createSqliteStorage({ filename: ':memory:' }),
});
