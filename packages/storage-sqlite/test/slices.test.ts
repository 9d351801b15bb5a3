/**
 * An import's new rows are written in slices before its merge, each slice a transaction of its
 * own, so the server answers in between: the rows stay hidden until the batch completes, and
 * a failed import leaves none behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntitySink, NewBatch } from '@pos/integrations-core/storage';
import { productRow } from '@pos/test-support';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStorage, type SqliteStorage } from '../src/index.js';

const T0 = '2026-01-01T00:00:00.000Z';
const rows = (count: number, prefix = 'A') =>
  Array.from({ length: count }, (_, index) => productRow(`${prefix}-${index}`));

/** Every row of the table, hidden or not. */
const stored = (storage: SqliteStorage, batchId?: string) =>
  (
    storage.database
      .prepare(`select count(*) as n from products${batchId ? ' where batch_id = ?' : ''}`)
      .get(...(batchId ? [batchId] : [])) as { n: number }
  ).n;

function batch(id: string, status: NewBatch['status'] = 'processing'): NewBatch {
  return {
    id,
    tenantId: 'tenant-a',
    type: 'upload',
    entityType: 'products',
    status,
    preset: null,
    totalBytes: 1,
    targetBatchId: null,
    createdAt: T0,
    heartbeatAt: T0,
  };
}

const completion = {
  recordCount: 0,
  processedCount: 0,
  bytesRead: 0,
  preset: null,
  unknownColumns: [],
  completedAt: T0,
};

describe('SQLite import in slices', () => {
  let dir: string;
  let storage: SqliteStorage;
  let sink: EntitySink<Record<string, unknown>>;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pos-slices-'));
    storage = await createSqliteStorage({ filename: join(dir, 'pos.db'), bulkImport: { sliceRows: 100 } });
    sink = storage.entitySink('products') as EntitySink<Record<string, unknown>>;
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The tenant's rows as readers count them. */
  async function visible(): Promise<number> {
    if (!sink.count) throw new Error('The SQLite sink counts rows.');
    return sink.count('tenant-a');
  }

  /** Imports `written` as batch `id` (a `processing` batch), completing it in the merge's transaction. */
  async function importRows(id: string, written: Record<string, unknown>[], finish?: () => Promise<void>) {
    await storage.batches.insert(batch(id));
    const open = await sink.open({ tenantId: 'tenant-a', batchId: id, createdAt: T0 });
    await open.write(written);
    return open.commit(async (tx, counts) => {
      await finish?.();
      expect(await tx.batches.complete('tenant-a', id, { ...completion, recordCount: counts.inserted })).toBe(true);
    });
  }

  it("shows a batch's rows all at once when it completes, though they were written a slice at a time", async () => {
    const seen = new Set<number>();
    const partly = new Set<number>();
    let done = false;
    const reading = (async () => {
      while (!done) {
        seen.add(await visible());
        const all = stored(storage);
        if (all > 0 && all < 1000) partly.add(all);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const counts = await importRows('batch-1', rows(1000));
    done = true;
    await reading;
    expect(counts).toEqual({ inserted: 1000, updated: 0, unchanged: 0 });
    // Slices were committed while the import ran, and no reader saw any of them before the end.
    expect(partly.size).toBeGreaterThan(0);
    expect([...seen].every((count) => count === 0 || count === 1000)).toBe(true);
    expect(await visible()).toBe(1000);
    const read: unknown[] = [];
    for await (const page of sink.read('tenant-a')) read.push(...page);
    expect(read).toEqual(rows(1000));
  });

  it('merges a file whose keys are out of order in one piece, in file order', async () => {
    const partly = new Set<number>();
    let done = false;
    const watching = (async () => {
      while (!done) {
        const all = stored(storage);
        if (all > 0 && all < 1000) partly.add(all);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const reversed = rows(1000).reverse();
    expect(await importRows('batch-1', reversed)).toEqual({ inserted: 1000, updated: 0, unchanged: 0 });
    done = true;
    await watching;
    expect(partly.size).toBe(0);
    const read: unknown[] = [];
    for await (const page of sink.read('tenant-a')) read.push(...page);
    expect(read).toEqual(reversed);
  });

  it('refuses a key repeated in a later slice, names the row, and leaves none of the rows behind', async () => {
    const written = [...rows(500), productRow('A-10', { name: 'Again' })];
    await expect(importRows('batch-1', written)).rejects.toMatchObject({
      name: 'RepeatedKeys',
      repeats: [expect.objectContaining({ row: 500, first: 10, value: 'A-10' })],
    });
    expect(stored(storage)).toBe(0);
  });

  it('removes the rows written in slices when the batch cannot complete', async () => {
    await expect(
      importRows('batch-1', rows(450), async () => {
        throw new Error('The batch was taken for dead.');
      }),
    ).rejects.toThrow('taken for dead');
    expect(stored(storage)).toBe(0);
  });

  it('removes the slices already written when a later slice fails', async () => {
    // A row no validation would let through: the table refuses it in the fourth slice.
    const written = [...rows(300), productRow('A-300', { name: null }), ...rows(100, 'B')];
    await expect(importRows('batch-1', written)).rejects.toThrow(/NOT NULL/);
    expect(stored(storage)).toBe(0);
  });

  it('merges a re-import in one piece after the first slice meets stored keys, with the counts of a merge', async () => {
    await importRows('batch-1', rows(300));
    const again = [...rows(300).map((row, index) => (index % 3 ? row : { ...row, price: 999 })), ...rows(50, 'N')];
    expect(await importRows('batch-2', again)).toEqual({ inserted: 50, updated: 100, unchanged: 200 });
    expect(await visible()).toBe(350);
  });

  it("hides the rows a failed batch left, and the tenant's next import removes them", async () => {
    await storage.batches.insert(batch('batch-dead', 'failed'));
    storage.database
      .prepare(
        "insert into products (tenant_id, batch_id, created_at, sku, name, price, currency) values ('tenant-a', 'batch-dead', ?, 'A-1', 'Left', 1, 'USD')",
      )
      .run(T0);
    expect(await visible()).toBe(0);
    // Out of order, so merged in one piece: the left row is gone before, not taken for a stored one.
    expect(await importRows('batch-1', rows(5).reverse())).toEqual({ inserted: 5, updated: 0, unchanged: 0 });
    expect(stored(storage, 'batch-dead')).toBe(0);
    expect(await visible()).toBe(5);
  });

  it('refuses, with a clear message, keys another running import holds with rows not shown yet', async () => {
    await storage.batches.insert(batch('batch-running'));
    storage.database
      .prepare(
        "insert into products (tenant_id, batch_id, created_at, sku, name, price, currency) values ('tenant-a', 'batch-running', ?, 'A-1', 'Other', 1, 'USD')",
      )
      .run(T0);
    await expect(importRows('batch-1', rows(3))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('Another import into this table is still running'),
    });
    expect(stored(storage)).toBe(1);
    expect(stored(storage, 'batch-running')).toBe(1);
  });
});

describe('SQLite import in slices, against a model', () => {
  let dir: string;
  let storage: SqliteStorage;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pos-slices-model-'));
    // Slices of 3 rows: files of a few rows already go in several slices.
    storage = await createSqliteStorage({ filename: join(dir, 'pos.db'), bulkImport: { sliceRows: 3 } });
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves what one merge in one piece leaves: the rows, their order, the counts, nothing of a refused file', async () => {
    const sink = storage.entitySink('products') as EntitySink<Record<string, unknown>>;
    const file = fc.array(
      fc.record({
        sku: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'),
        price: fc.integer({ min: 1, max: 3 }),
      }),
      { maxLength: 12 },
    );
    // Files in key order (sliced) and in any order (merged in one piece), one after the other.
    const imports = fc.array(
      fc
        .tuple(file, fc.boolean())
        .map(([rows, sorted]) => (sorted ? [...rows].sort((a, b) => (a.sku < b.sku ? -1 : 1)) : rows)),
      { minLength: 1, maxLength: 5 },
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(imports, async (files) => {
        run += 1;
        const tenantId = `tenant-${run}`;
        const model = new Map<string, number>();
        for (const [index, rows] of files.entries()) {
          const id = `batch-${run}-${index}`;
          await storage.batches.insert({ ...batch(id), tenantId });
          const open = await sink.open({ tenantId, batchId: id, createdAt: T0 });
          await open.write(rows.map((row) => productRow(row.sku, { price: row.price })));
          const committing = open.commit(async (tx, counts) => {
            expect(await tx.batches.complete(tenantId, id, { ...completion, recordCount: counts.inserted })).toBe(true);
          });
          const skus = rows.map((row) => row.sku);
          if (new Set(skus).size < skus.length) {
            await expect(committing).rejects.toMatchObject({ name: 'RepeatedKeys' });
            await storage.batches.fail(tenantId, id, {
              errorMessage: 'repeated',
              errors: [],
              errorCount: 1,
              processedCount: 0,
              bytesRead: 0,
              preset: null,
              unknownColumns: [],
              completedAt: T0,
            });
          } else {
            const expected = { inserted: 0, updated: 0, unchanged: 0 };
            for (const row of rows) {
              const before = model.get(row.sku);
              if (before === undefined) expected.inserted += 1;
              else if (before !== row.price) expected.updated += 1;
              else expected.unchanged += 1;
              model.set(row.sku, row.price);
            }
            expect(await committing).toEqual(expected);
          }
          const read: Array<{ sku: unknown; price: unknown }> = [];
          for await (const page of sink.read(tenantId)) read.push(...page.map(({ sku, price }) => ({ sku, price })));
          expect(read).toEqual([...model].map(([sku, price]) => ({ sku, price })));
          // Nothing hidden is left behind: every stored row of the tenant is one readers see.
          const all = storage.database.prepare('select count(*) as n from products where tenant_id = ?').get(tenantId);
          expect((all as { n: number }).n).toBe(model.size);
        }
      }),
      { numRuns: 60 },
    );
  });
});
