import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productRow } from '@pos/test-support';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStorage, type SqliteStorage } from '../src/index.js';

const target = { tenantId: 'tenant-a', batchId: 'batch-1', createdAt: '2026-01-01T00:00:00.000Z' };
const count = (storage: SqliteStorage) =>
  (storage.database.prepare('select count(*) as n from products').get() as { n: number }).n;

describe('SQLite bulk loader', () => {
  let dir: string;
  let storage: SqliteStorage;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pos-bulk-'));
    storage = await createSqliteStorage({ filename: join(dir, 'pos.db'), bulkImport: { lockTimeoutMs: 400 } });
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stages outside the database, so the main connection can write while an import is open', async () => {
    const open = await storage.entitySink('products')?.open(target);
    await open?.write([productRow('A-1'), productRow('A-2')]);
    // A write transaction on the main connection succeeds at once: staging holds no lock.
    storage.database.exec("BEGIN IMMEDIATE; INSERT INTO oauth_states VALUES ('h', 't', 'p', 'c', 'e', null); COMMIT");
    await open?.commit(async () => {});
    expect(count(storage)).toBe(2);
  });

  it('stores every row as written, in order, whatever the sizes of the writes', async () => {
    const sink = storage.entitySink('products');
    let batch = 0;
    // Sizes around the staging thread's units: 16 rows a statement, 1024 a message.
    const size = fc.oneof(
      fc.integer({ min: 1, max: 40 }),
      fc.constantFrom(1023, 1024, 1025, 2048),
      fc.integer({ min: 0, max: 5000 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(size, { minLength: 1, maxLength: 4 }), async (sizes) => {
        batch += 1;
        const rows: Record<string, unknown>[] = [];
        const open = await sink?.open({ ...target, batchId: `batch-${batch}` });
        for (const length of sizes) {
          const written = Array.from({ length }, (_, index) =>
            productRow(`B${batch}-${rows.length + index}`, {
              name: `Row ${rows.length + index}, "quoted" 👕`,
              stock: index % 3 ? index : null,
              description: index % 5 ? null : 'Line one\nLine two',
            }),
          );
          await open?.write(written);
          rows.push(...written);
        }
        await open?.commit(async () => {});
        const stored = storage.database
          .prepare(
            'select sku, name, price, currency, category, stock, barcode, description from products where batch_id = ? order by id',
          )
          .all(`batch-${batch}`);
        expect(stored).toEqual(rows);
      }),
      { numRuns: 12 },
    );
  });

  it('waits for a writer of this process without blocking the event loop, then commits', async () => {
    const open = await storage.entitySink('products')?.open(target);
    await open?.write([productRow('A-1')]);
    storage.database.exec('BEGIN IMMEDIATE'); // e.g. a request's transaction awaiting something
    let committed = false;
    const commit = open
      ?.commit(async () => {})
      .then(() => {
        committed = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the event loop still runs
    expect(committed).toBe(false);
    storage.database.exec('COMMIT');
    await commit;
    expect(count(storage)).toBe(1);
  });

  it('gives up after the lock timeout with a clear error and writes nothing', async () => {
    const open = await storage.entitySink('products')?.open(target);
    await open?.write([productRow('A-1')]);
    storage.database.exec('BEGIN IMMEDIATE');
    await expect(open?.commit(async () => {})).rejects.toMatchObject({
      code: 'BATCH_FAILED',
      message: expect.stringMatching(/kept the database locked/),
    });
    storage.database.exec('COMMIT');
    expect(count(storage)).toBe(0);
  });

  it('removes staging files that crashed imports left behind, and only those', async () => {
    const staging = join(dir, 'staging');
    mkdirSync(staging);
    const abandoned = join(staging, 'pos-staging-00000000-0000-4000-8000-000000000001.db');
    const running = join(staging, 'pos-staging-00000000-0000-4000-8000-000000000002.db');
    const unrelated = join(staging, 'notes.db');
    for (const path of [abandoned, running, unrelated]) writeFileSync(path, 'x');
    const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000);
    utimesSync(abandoned, yesterday, yesterday);
    utimesSync(unrelated, yesterday, yesterday);
    const other = await createSqliteStorage({ filename: join(dir, 'other.db'), bulkImport: { stagingDir: staging } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([existsSync(abandoned), existsSync(running), existsSync(unrelated)]).toEqual([false, true, true]);
    // And an import cleans up its own staging file.
    const open = await other.entitySink('products')?.open(target);
    await open?.write([productRow('A-1')]);
    await open?.commit(async () => {});
    expect(readdirSync(staging).sort()).toEqual(['notes.db', 'pos-staging-00000000-0000-4000-8000-000000000002.db']);
    await other.close();
  });
});
