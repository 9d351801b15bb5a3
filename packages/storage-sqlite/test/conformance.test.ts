import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStorageConformance } from '@pos/integrations-core/testing';
import { afterAll } from 'vitest';
import { createSqliteStorage } from '../src/index.js';

describeStorageConformance({
  name: 'sqlite (:memory:)',
  create: () => createSqliteStorage({ filename: ':memory:' }),
});

// A file database also gets the Data Manager's bulk loader (a second connection).
const dir = mkdtempSync(join(tmpdir(), 'pos-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
describeStorageConformance({
  name: 'sqlite (file)',
  create: () => {
    files += 1;
    return createSqliteStorage({ filename: join(dir, `conformance-${files}.db`) });
  },
});
