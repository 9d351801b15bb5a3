import { describeStorageConformance } from '@pos/integrations-core/testing';
import { type PostgresCluster, startPostgresCluster } from '@pos/test-support';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresStorage } from '../src/index.js';

// One throwaway cluster for the file; every test gets a database of its own (about 40 ms).
let cluster: PostgresCluster;
const pools: pg.Pool[] = [];
beforeAll(async () => {
  cluster = await startPostgresCluster();
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  cluster?.stop();
});

describeStorageConformance({
  name: 'postgres (own pool)',
  create: () => createPostgresStorage({ connectionString: cluster.freshDatabase() }),
});

// The same suite over a pool the caller owns: the storage borrows it and leaves it open.
describeStorageConformance({
  name: 'postgres (caller pool)',
  create: () => {
    const pool = new pg.Pool({ connectionString: cluster.freshDatabase(), max: 4 });
    pools.push(pool);
    return createPostgresStorage({ pool });
  },
});
