import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { integrationMigrations, MIGRATION_TABLE } from '@pos/storage-kysely';
import { startWorker } from '@pos/test-support';
import { checkBusinessKeysUpgrade } from '@pos/test-support/business-keys-upgrade';
import { checkPaymentSessionsUpgrade, checkRefundsUpgrade } from '@pos/test-support/payments-upgrade';
import { checkProviderAccountsUpgrade } from '@pos/test-support/provider-accounts-upgrade';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createSqliteStorage } from '../src/index.js';

it('runs a migration that lands after a later-numbered one, and starts beside migrations of a newer release', async () => {
  const storage = await createSqliteStorage({ filename: ':memory:' });
  try {
    const history = sql.table(MIGRATION_TABLE);
    // As if every known migration arrived after 9000, which only a newer release of the SDK knows.
    await sql`delete from ${history}`.execute(storage.db);
    await sql`insert into ${history} (name, timestamp) values ('9000_from_a_newer_release', '2026-01-01T00:00:00.000Z')`.execute(
      storage.db,
    );
    await storage.migrate();
    const ran = await sql<{ name: string }>`select name from ${history} order by name`.execute(storage.db);
    expect(ran.rows.map((row) => row.name)).toEqual([
      ...Object.keys(integrationMigrations('sqlite')).sort(),
      '9000_from_a_newer_release',
    ]);
    expect(await storage.credentials.get('store-1', 'square')).toBeUndefined();
  } finally {
    await storage.close();
  }
});

it('migrates a new file once when several servers or a CLI open it at the same moment', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'pos-sqlite-migrate-'));
  const filename = join(folder, 'pos.db');
  // Three open and migrate; the fourth migrates as `pos-integrations migrate` does, after opening.
  const asTheCli = async () => {
    const storage = await createSqliteStorage({ filename, migrate: false });
    await storage.migrate();
    return storage;
  };
  const storages = await Promise.all([
    ...Array.from({ length: 3 }, () => createSqliteStorage({ filename })),
    asTheCli(),
  ]);
  try {
    const history = sql.table(MIGRATION_TABLE);
    const [first] = storages;
    if (!first) throw new Error('no storage');
    const ran = await sql<{ name: string }>`select name from ${history} order by name`.execute(first.db);
    expect(ran.rows.map((row) => row.name)).toEqual(Object.keys(integrationMigrations('sqlite')).sort());
    // Every connection can write what the migrations created.
    for (const [index, storage] of storages.entries()) {
      await storage.logs.append({
        id: `log-${index}`,
        tenantId: 'store-1',
        provider: 'square',
        level: 'info',
        event: 'tested',
        message: 'Opened together.',
        details: null,
        createdAt: '2026-11-26T12:00:00.000Z',
      });
    }
    const logs = await first.logs.list({ tenantId: 'store-1', provider: 'square', limit: 10 });
    expect(logs).toHaveLength(storages.length);
  } finally {
    await Promise.all(storages.map((storage) => storage.close()));
    await rm(folder, { recursive: true, force: true });
  }
});

it('migrates a new file once when separate processes open it at the same moment', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'pos-sqlite-migrate-'));
  const script = fileURLToPath(new URL('./open-worker.ts', import.meta.url));
  const workers = await Promise.all(Array.from({ length: 3 }, () => startWorker(script)));
  try {
    const at = Date.now() + 500;
    const counts = await Promise.all(
      workers.map((worker) => worker.callAt<number>(at, 'open', join(folder, 'pos.db'))),
    );
    const migrations = Object.keys(integrationMigrations('sqlite')).length;
    expect(counts).toEqual([migrations, migrations, migrations]);
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await rm(folder, { recursive: true, force: true });
  }
});

it('opens a new file that another process is switching to WAL at that moment', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'pos-sqlite-switch-'));
  const filename = join(folder, 'pos.db');
  // Another process's connection in the middle of its own first write to the new file.
  const other = new Database(filename);
  other.exec('BEGIN IMMEDIATE');
  setTimeout(() => {
    other.exec('COMMIT');
    other.close();
  }, 150);
  try {
    const storage = await createSqliteStorage({ filename });
    expect(storage.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(await storage.credentials.get('store-1', 'square')).toBeUndefined();
    await storage.close();
  } finally {
    if (other.open) other.close();
    await rm(folder, { recursive: true, force: true });
  }
});

it('gives a new file 16 KiB pages in WAL mode and leaves the page size of an existing file as it was', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'pos-sqlite-pages-'));
  try {
    const fresh = await createSqliteStorage({ filename: join(folder, 'new.db') });
    expect(fresh.database.pragma('page_size', { simple: true })).toBe(16384);
    expect(fresh.database.pragma('journal_mode', { simple: true })).toBe('wal');
    await fresh.close();

    // A database made before, with 4 KiB pages and a table of the host's own.
    const existing = join(folder, 'existing.db');
    const before = new Database(existing);
    before.pragma('page_size = 4096');
    before.pragma('journal_mode = WAL');
    before.exec("CREATE TABLE host_notes (note TEXT); INSERT INTO host_notes VALUES ('kept')");
    before.close();
    const reopened = await createSqliteStorage({ filename: existing });
    try {
      expect(reopened.database.pragma('page_size', { simple: true })).toBe(4096);
      expect(reopened.database.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(reopened.database.prepare('SELECT note FROM host_notes').pluck().all()).toEqual(['kept']);
      expect(await reopened.credentials.get('store-1', 'square')).toBeUndefined();
    } finally {
      await reopened.close();
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

it('links the provider accounts of existing connections, the earliest tenant first, when 0007 runs', async () => {
  const storage = await createSqliteStorage({ filename: ':memory:' });
  try {
    // A database from before 0007: two tenants on one Stripe account, one on a Clover merchant.
    await sql`drop table provider_accounts`.execute(storage.db);
    await sql`delete from ${sql.table(MIGRATION_TABLE)} where name = '0007_provider_accounts'`.execute(storage.db);
    const connection = (tenantId: string, provider: string, publicData: Record<string, unknown>, createdAt: string) =>
      storage.credentials.put({ tenantId, provider, ciphertext: 'pos1.k.x', publicData }, createdAt);
    await connection('tenant-b', 'stripe', { stripe_user_id: 'acct_shared' }, '2026-01-02T00:00:00.000Z');
    await connection('tenant-a', 'stripe', { stripe_user_id: 'acct_shared' }, '2026-01-03T00:00:00.000Z');
    await connection('tenant-a', 'clover', { merchant_id: 'TC4DGCJW1K4EW' }, '2026-01-04T00:00:00.000Z');
    await connection('tenant-a', 'square', { location_id: 'L1' }, '2026-01-05T00:00:00.000Z');

    await storage.migrate();
    expect(await storage.providerAccounts.owner('stripe', 'acct_shared')).toBe('tenant-b');
    expect(await storage.providerAccounts.owner('clover', 'TC4DGCJW1K4EW')).toBe('tenant-a');
    const rows = await sql<{ n: number }>`select count(*) as n from provider_accounts`.execute(storage.db);
    expect(rows.rows[0]?.n).toBe(2);
  } finally {
    await storage.close();
  }
});

it('keeps the current session of each existing payment as a known attempt when upgrading to payment sessions', async () => {
  const storage = await createSqliteStorage({ filename: ':memory:', migrate: false });
  try {
    await checkPaymentSessionsUpgrade(storage);
  } finally {
    await storage.close();
  }
});

it('merges products that repeat a SKU, newest first, and gives customers ids when upgrading to business keys', async () => {
  const storage = await createSqliteStorage({ filename: ':memory:', migrate: false });
  try {
    await checkBusinessKeysUpgrade(storage);
  } finally {
    await storage.close();
  }
});

it("moves the facts of the seed's stripe_connected_accounts into the provider accounts' details when upgrading", async () => {
  const storage = await createSqliteStorage({ filename: ':memory:', migrate: false });
  try {
    await checkProviderAccountsUpgrade(storage);
  } finally {
    await storage.close();
  }
});

it('rebuilds payments with the new statuses, keeping rows and indexes, when upgrading to refunds', async () => {
  const storage = await createSqliteStorage({ filename: ':memory:', migrate: false });
  try {
    await checkRefundsUpgrade(storage);
    const indexes = await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'index' and tbl_name = 'payments' order by name`.execute(storage.db);
    expect(indexes.rows.map((row) => row.name)).toEqual(
      expect.arrayContaining([
        'idx_payments_provider_ref',
        'idx_payments_tenant_created',
        'idx_payments_tenant_status',
      ]),
    );
  } finally {
    await storage.close();
  }
});
