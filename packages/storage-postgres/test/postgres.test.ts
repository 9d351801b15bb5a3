import { createIntegrations, createKeyRing } from '@pos/integrations-core';
import { integrationMigrations, MIGRATION_TABLE, readInteger } from '@pos/storage-kysely';
import {
  holdMigrationLock,
  type PostgresCluster,
  productRow,
  startPostgresCluster,
  TEST_KEY_A,
} from '@pos/test-support';
import { checkBusinessKeysUpgrade } from '@pos/test-support/business-keys-upgrade';
import { checkPaymentSessionsUpgrade, checkRefundsUpgrade } from '@pos/test-support/payments-upgrade';
import { checkProviderAccountsUpgrade } from '@pos/test-support/provider-accounts-upgrade';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStorage, type PostgresStorage } from '../src/index.js';

const T0 = '2026-01-01T00:00:00.000Z';

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgresCluster();
});
afterAll(() => cluster?.stop());

async function tableNames(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
    );
    return rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('migrates a fresh database once when several instances open it at the same time', async () => {
    const url = cluster.freshDatabase();
    const storages = await Promise.all(
      Array.from({ length: 6 }, () => createPostgresStorage({ connectionString: url, maxConnections: 2 })),
    );
    try {
      const [first] = storages;
      if (!first) throw new Error('no storage');
      const ran = await first.db
        .selectFrom(sql.table(MIGRATION_TABLE).as('m'))
        .select(sql<string>`name`.as('name'))
        .execute();
      expect(ran.map((row) => row.name).sort()).toEqual(Object.keys(integrationMigrations('postgres')).sort());
      await Promise.all(storages.map((storage, index) => storage.statuses.put(status(`tenant-${index}`))));
      expect(await first.statuses.get('tenant-5', 'square')).toBeDefined();
    } finally {
      await Promise.all(storages.map((storage) => storage.close()));
    }
  });

  it('keeps the current session of each existing payment as a known attempt when upgrading to payment sessions', async () => {
    const storage = await createPostgresStorage({ connectionString: cluster.freshDatabase(), migrate: false });
    try {
      await checkPaymentSessionsUpgrade(storage);
    } finally {
      await storage.close();
    }
  });

  it('replaces the payment status check with the new statuses, keeping rows, when upgrading to refunds', async () => {
    const storage = await createPostgresStorage({ connectionString: cluster.freshDatabase(), migrate: false });
    try {
      await checkRefundsUpgrade(storage);
    } finally {
      await storage.close();
    }
  });

  it('merges products that repeat a SKU, newest first, and gives customers ids when upgrading to business keys', async () => {
    const storage = await createPostgresStorage({ connectionString: cluster.freshDatabase(), migrate: false });
    try {
      await checkBusinessKeysUpgrade(storage);
    } finally {
      await storage.close();
    }
  });

  it("moves the facts of the seed's stripe_connected_accounts into the provider accounts' details when upgrading", async () => {
    const storage = await createPostgresStorage({ connectionString: cluster.freshDatabase(), migrate: false });
    try {
      await checkProviderAccountsUpgrade(storage);
    } finally {
      await storage.close();
    }
  });

  it('waits for the migration lock another instance holds before creating anything', async () => {
    const url = cluster.freshDatabase();
    const lock = await holdMigrationLock(url);
    const opening = createPostgresStorage({ connectionString: url });
    try {
      // The migrator is blocked on the advisory lock, and has created none of our tables.
      await expect.poll(() => lock.waiting(), { timeout: 10_000 }).toBe(1);
      expect(await tableNames(url)).not.toContain('integration_credentials');
    } finally {
      await lock.release();
    }
    const storage = await opening;
    expect(await tableNames(url)).toContain('integration_credentials');
    await storage.close();
  });

  it('says which database it could not reach', async () => {
    await expect(createPostgresStorage({ connectionString: cluster.urlFor('pos_missing') })).rejects.toThrow(
      /database "pos_missing" does not exist/,
    );
    await expect(createPostgresStorage({})).rejects.toThrow(/connectionString/);
  });
});

/** Node 20 has no Promise.withResolvers. */
function signal() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve: () => resolve() };
}

function status(tenantId: string) {
  return {
    tenantId,
    provider: 'square',
    status: 'connected' as const,
    lastTestedAt: null,
    lastError: null,
    lastErrorCode: null,
    needsReconnect: false,
    updatedAt: T0,
  };
}

describe('connections', () => {
  it('keeps a transaction on one connection: its writes are invisible to others until it commits', async () => {
    const storage = await createPostgresStorage({ connectionString: cluster.freshDatabase() });
    try {
      const written = signal();
      const finish = signal();
      const committed = storage.transaction(async (tx) => {
        await tx.statuses.put(status('tenant-a'));
        expect(await tx.statuses.get('tenant-a', 'square')).toBeDefined();
        written.resolve();
        await finish.promise;
      });
      await written.promise;
      expect(await storage.statuses.get('tenant-a', 'square')).toBeUndefined();
      finish.resolve();
      await committed;
      expect(await storage.statuses.get('tenant-a', 'square')).toBeDefined();
    } finally {
      await storage.close();
    }
  });

  it("borrows a caller's pool and leaves it open on close", async () => {
    const pool = new pg.Pool({ connectionString: cluster.freshDatabase(), max: 2 });
    try {
      const storage = await createPostgresStorage({ pool });
      await storage.statuses.put(status('tenant-a'));
      await storage.close();
      const { rows } = await pool.query('select count(*) as count from integration_status');
      expect(rows[0].count).toBe('1');
    } finally {
      await pool.end();
    }
  });

  it('reads bigint columns as strings, which readInteger turns back into numbers', async () => {
    const storage = await createPostgresStorage({ connectionString: cluster.freshDatabase() });
    try {
      await storage.db
        .insertInto('payments')
        .values({
          id: 'pay_1',
          tenant_id: 'tenant-a',
          order_id: 'order-1',
          provider: 'stripe',
          provider_ref: null,
          checkout_url: null,
          amount: 12_345_678_901,
          currency: 'usd',
          status: 'pending',
          attempt: 1,
          expires_at: null,
          webhook_events: '[]',
          created_at: T0,
          updated_at: T0,
        })
        .execute();
      const row = await storage.db.selectFrom('payments').select('amount').executeTakeFirstOrThrow();
      expect(row.amount).toBe('12345678901');
      expect(readInteger(row.amount)).toBe(12_345_678_901);
      expect(() => readInteger('9007199254740993')).toThrow(RangeError);
    } finally {
      await storage.close();
    }
  });

  it('streams query results through a cursor', async () => {
    const storage = await createPostgresStorage({ connectionString: cluster.freshDatabase(), maxConnections: 2 });
    try {
      for (let index = 0; index < 25; index += 1) await storage.statuses.put(status(`tenant-${index}`));
      let count = 0;
      for await (const _row of storage.db.selectFrom('integration_status').selectAll().stream(10)) count += 1;
      expect(count).toBe(25);
    } finally {
      await storage.close();
    }
  });
});

describe('Data Manager imports', () => {
  const target = { tenantId: 'tenant-a', batchId: 'batch-1', createdAt: T0 };
  async function exported(storage: PostgresStorage, tenantId = 'tenant-a') {
    const rows: Record<string, unknown>[] = [];
    for await (const page of storage.entitySink('products')?.read(tenantId) ?? []) rows.push(...page);
    return rows;
  }

  it('offers the built-in entity types, so the Data Manager is on and its conformance tests run', async () => {
    const storage = await createPostgresStorage({ connectionString: cluster.freshDatabase() });
    expect([storage.entitySink('products'), storage.entitySink('customers')]).toEqual([
      expect.any(Object),
      expect.any(Object),
    ]);
    const integrations = createIntegrations({ storage, cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }) });
    try {
      expect(integrations.capabilities().features.data_manager).toBe(true);
      const run = await integrations.batches?.seed('tenant-a', { entityType: 'customers', count: 30, seed: 7 });
      expect(await run?.done).toMatchObject({ status: 'completed', record_count: 30 });
    } finally {
      await integrations.close();
    }
  });

  it("keeps every character COPY's text format escapes", async () => {
    const storage = await createPostgresStorage({ connectionString: cluster.freshDatabase() });
    try {
      const tricky = [
        productRow('TAB', { name: 'a\tb', description: 'back\\slash \\N \\t' }),
        productRow('LINES', { name: 'one\r\ntwo\rthree\nfour', category: '\\N' }),
        productRow('EMPTY', { name: ' ', description: '' }),
      ];
      const open = await storage.entitySink('products')?.open(target);
      await open?.write(tricky);
      await open?.commit(async () => {});
      expect(await exported(storage)).toEqual(tricky);
    } finally {
      await storage.close();
    }
  });

  it('imports on connections of their own: the pool keeps serving while imports are open', async () => {
    const storage = await createPostgresStorage({ connectionString: cluster.freshDatabase(), maxConnections: 1 });
    try {
      const sink = storage.entitySink('products');
      const imports = await Promise.all(
        ['batch-1', 'batch-2', 'batch-3'].map((batchId) => sink?.open({ ...target, batchId })),
      );
      await Promise.all(imports.map((open, index) => open?.write([productRow(`S-${index}`)])));
      // One pooled connection, three open imports: the storage still reads and writes.
      await storage.statuses.put(status('tenant-a'));
      expect(await storage.statuses.get('tenant-a', 'square')).toBeDefined();
      expect(await exported(storage)).toEqual([]);
      for (const open of imports) await open?.commit(async () => {});
      expect((await exported(storage)).map((row) => row.sku).sort()).toEqual(['S-0', 'S-1', 'S-2']);
    } finally {
      await storage.close();
    }
  });

  it('fails an import whose connection is lost, leaving nothing, and the storage carries on', async () => {
    const url = cluster.freshDatabase();
    const storage = await createPostgresStorage({ connectionString: url });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const open = await storage.entitySink('products')?.open(target);
      await open?.write([productRow('A-1')]);
      // What a database restart or a network cut does to the import's connection.
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'pos-integrations-import'",
      );
      await expect(open?.commit(async () => {})).rejects.toThrow(/terminat|Connection/i);
      expect(await exported(storage)).toEqual([]);
      const again = await storage.entitySink('products')?.open(target);
      await again?.write([productRow('A-2')]);
      await again?.commit(async () => {});
      expect((await exported(storage)).map((row) => row.sku)).toEqual(['A-2']);
    } finally {
      await admin.end();
      await storage.close();
    }
  });

  it('refuses a row PostgreSQL cannot store, writing nothing', async () => {
    const storage = await createPostgresStorage({ connectionString: cluster.freshDatabase() });
    try {
      const open = await storage.entitySink('products')?.open(target);
      await open?.write([productRow('OK'), productRow('NUL', { name: 'a\u0000b' })]);
      await expect(open?.commit(async () => {})).rejects.toThrow(/0x00/);
      await open?.abort();
      expect(await exported(storage)).toEqual([]);
    } finally {
      await storage.close();
    }
  });

  it("borrows import connections from a caller's pool and gives them back", async () => {
    const pool = new pg.Pool({ connectionString: cluster.freshDatabase(), max: 3 });
    try {
      const storage = await createPostgresStorage({ pool });
      for (const batchId of ['batch-1', 'batch-2', 'batch-3', 'batch-4']) {
        const open = await storage.entitySink('products')?.open({ ...target, batchId });
        await open?.write([productRow(batchId)]);
        await open?.commit(async () => {});
      }
      const aborted = await storage.entitySink('products')?.open({ ...target, batchId: 'batch-5' });
      await aborted?.write([productRow('gone')]);
      await aborted?.abort();
      expect((await exported(storage)).map((row) => row.sku)).toEqual(['batch-1', 'batch-2', 'batch-3', 'batch-4']);
      expect(pool.totalCount - pool.idleCount).toBe(0);
      await storage.close();
    } finally {
      await pool.end();
    }
  });
});
