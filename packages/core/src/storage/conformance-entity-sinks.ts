import { describe, expect, it } from 'vitest';
import type { CustomerRow } from '../batches/customers.js';
import type { ProductRow } from '../batches/products.js';
import { type EntitySink, ExistingKeys, type ImportCounts, type ImportMode, RepeatedKeys } from './batches.js';
import type { IntegrationStorage } from './port.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';

function product(sku: string, price = 100, name = `Product ${sku}`): ProductRow {
  return { sku, name, price, currency: 'USD', category: null, stock: 3, barcode: null, description: null };
}

function customer(customerId: string | null, email: string | null, name = 'Ada Lovelace'): CustomerRow {
  return {
    customer_id: customerId,
    name,
    email,
    phone: null,
    company: null,
    address_line1: null,
    city: 'London',
    region: null,
    postal_code: null,
    country: 'GB',
  };
}

type AnySink = EntitySink<Record<string, unknown>>;

async function rowsOf(sink: AnySink, tenantId: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const page of sink.read(tenantId)) rows.push(...page);
  return rows;
}

/** Imports `rows` as batch `batchId` and returns what the commit counted (also handed to `finish`). */
async function importRows(
  sink: AnySink,
  tenantId: string,
  batchId: string,
  rows: readonly Record<string, unknown>[],
  mode?: ImportMode,
): Promise<ImportCounts> {
  const open = await sink.open({ tenantId, batchId, createdAt: batchId.endsWith('1') ? T0 : T1, mode });
  await open.write(rows);
  let handed: ImportCounts | undefined;
  const counts = await open.commit(async (_tx, counts) => {
    handed = counts;
  });
  expect(handed).toEqual(counts);
  return counts;
}

async function written(storage: IntegrationStorage, sink: AnySink, tenantId: string, batchId: string) {
  const rows: Record<string, unknown>[] = [];
  if (!sink.readBatch) return undefined;
  await storage.transaction(async (tx) => {
    for await (const page of sink.readBatch?.(tx, { tenantId, batchId }, 'written') ?? []) rows.push(...page);
  });
  return rows.map((row) => row.sku ?? row.customer_id).sort();
}

const bySku = (rows: Record<string, unknown>[]) => rows.map((row) => [row.sku, row.price]);

/** Writes `rows` in chunks of two and returns the commit's failure (the import is aborted after). */
async function failedImport(
  sink: AnySink,
  tenantId: string,
  rows: readonly Record<string, unknown>[],
  mode?: ImportMode,
): Promise<unknown> {
  const open = await sink.open({ tenantId, batchId: 'batch-9', createdAt: T1, mode });
  for (let start = 0; start < rows.length; start += 2) await open.write(rows.slice(start, start + 2));
  let finished = false;
  const failure = await open
    .commit(async () => {
      finished = true;
    })
    .catch((error: unknown) => error);
  await open.abort();
  expect(finished).toBe(false);
  return failure;
}

/**
 * Business keys: every Data Manager table is unique by its key within a tenant, imports merge by
 * it (`upsert` or `insert_only`) and count what they did, and a purge follows the ownership rules
 * of `EntitySink.deleteBatch`. Run by `describeStorageConformance` when the storage has sinks.
 */
export function describeEntitySinkKeysConformance(storage: () => IntegrationStorage): void {
  describe('entity sink keys', () => {
    const productSink = (context: { skip: () => void }) => {
      const sink = storage().entitySink('products') as AnySink | undefined;
      if (!sink) context.skip();
      return sink as AnySink;
    };

    it('updates by SKU on a re-import and counts inserted, updated and unchanged rows', async (context) => {
      const sink = productSink(context);
      expect(sink.key).toEqual(['sku']);
      const first = [product('A1'), product('A2'), product('A3')];
      expect(await importRows(sink, 'tenant-a', 'batch-1', first)).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
      // The same file again changes nothing.
      expect(await importRows(sink, 'tenant-a', 'batch-2', first)).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
      expect(await written(storage(), sink, 'tenant-a', 'batch-2')).toEqual(sink.readBatch ? [] : undefined);
      // A price list: one price changes, one product is new.
      const prices = [product('A1'), product('A2', 250), product('A4', 400)];
      expect(await importRows(sink, 'tenant-a', 'batch-3', prices)).toEqual({ inserted: 1, updated: 1, unchanged: 1 });
      expect(await written(storage(), sink, 'tenant-a', 'batch-3')).toEqual(sink.readBatch ? ['A2', 'A4'] : undefined);
      expect(bySku(await rowsOf(sink, 'tenant-a'))).toEqual([
        ['A1', 100],
        ['A2', 250],
        ['A3', 100],
        ['A4', 400],
      ]);
      // Another tenant's SKUs are its own.
      expect(await importRows(sink, 'tenant-b', 'batch-1', [product('A1', 999)])).toEqual({
        inserted: 1,
        updated: 0,
        unchanged: 0,
      });
      expect(bySku(await rowsOf(sink, 'tenant-a'))[0]).toEqual(['A1', 100]);
    });

    it('refuses an insert-only import whose keys exist, writing nothing', async (context) => {
      const sink = productSink(context);
      await importRows(sink, 'tenant-a', 'batch-1', [product('A1'), product('A2')]);
      const failure = await failedImport(
        sink,
        'tenant-a',
        [product('B1'), product('A2', 1), product('A1', 2)],
        'insert_only',
      );
      expect(failure).toBeInstanceOf(ExistingKeys);
      // Positions in write order: the second and third rows written.
      expect(failure).toMatchObject({ count: 2, rows: [1, 2], column: 'sku' });
      expect(bySku(await rowsOf(sink, 'tenant-a'))).toEqual([
        ['A1', 100],
        ['A2', 100],
      ]);
      // New keys only: accepted.
      expect(await importRows(sink, 'tenant-a', 'batch-3', [product('B1')], 'insert_only')).toEqual({
        inserted: 1,
        updated: 0,
        unchanged: 0,
      });
    });

    it('refuses rows that repeat a key, naming each later row and the first, and writes nothing', async (context) => {
      const sink = productSink(context);
      // Into an empty tenant (the table's unique key refuses the insert) ...
      const fresh = [product('A1'), product('A2'), product('A1', 5), product('A3'), product('A1', 6), product('A3')];
      const failure = await failedImport(sink, 'tenant-a', fresh);
      expect(failure).toBeInstanceOf(RepeatedKeys);
      expect(failure).toMatchObject({
        count: 3,
        repeats: [
          { row: 2, first: 0, column: 'sku', value: 'A1', match: 'key' },
          { row: 4, first: 0, column: 'sku', value: 'A1', match: 'key' },
          { row: 5, first: 3, column: 'sku', value: 'A3', match: 'key' },
        ],
      });
      expect(await rowsOf(sink, 'tenant-a')).toEqual([]);
      // ... and onto stored rows, where a repeated existing key would otherwise update one row twice.
      await importRows(sink, 'tenant-a', 'batch-1', [product('A1'), product('A2')]);
      const cases = [
        { rows: [product('A1', 7), product('A2'), product('A1', 8)], first: 0, value: 'A1' },
        { rows: [product('A1', 7), product('B1'), product('B1', 8)], first: 1, value: 'B1' },
      ];
      for (const { rows, first, value } of cases) {
        const again = await failedImport(sink, 'tenant-a', rows);
        expect(again).toBeInstanceOf(RepeatedKeys);
        expect(again).toMatchObject({ count: 1, repeats: [{ row: 2, first, value, match: 'key' }] });
      }
      expect(bySku(await rowsOf(sink, 'tenant-a'))).toEqual([
        ['A1', 100],
        ['A2', 100],
      ]);
    });

    it('purges only the rows a batch still owns, and previews the count first', async (context) => {
      const sink = productSink(context);
      await importRows(sink, 'tenant-a', 'batch-1', [product('A1'), product('A2'), product('A3'), product('A4')]);
      // A later file holds A3 again unchanged, changes A4's price and adds B1.
      await importRows(sink, 'tenant-a', 'batch-2', [product('A3'), product('A4', 450), product('B1')]);
      // Another tenant's batch with the same id is untouched throughout.
      await importRows(sink, 'tenant-b', 'batch-1', [product('A1')]);

      expect(await sink.previewPurge({ tenantId: 'tenant-a', batchId: 'batch-1' })).toEqual({ removes: 2, keeps: 2 });
      const removed: unknown[] = [];
      const kept: unknown[] = [];
      const deleted = await sink.deleteBatch(
        { tenantId: 'tenant-a', batchId: 'batch-1' },
        {
          before: async (tx) => {
            const target = { tenantId: 'tenant-a', batchId: 'batch-1' };
            for await (const page of sink.readBatch?.(tx, target, 'purged') ?? []) {
              removed.push(...page.map((row) => row.sku));
            }
            // Read as they will be after the purge: the later batch's.
            for await (const page of sink.readBatch?.(tx, target, 'kept') ?? []) {
              kept.push(...page.map((row) => [row.sku, row.batch_id, row.price]));
            }
          },
          after: async () => {},
        },
      );
      expect(deleted).toBe(2);
      if (sink.readBatch) {
        expect(removed.sort()).toEqual(['A1', 'A2']);
        expect(kept).toEqual([
          ['A3', 'batch-2', 100],
          ['A4', 'batch-2', 450],
        ]);
      }
      // What the later batch held stays, with its values.
      expect(bySku(await rowsOf(sink, 'tenant-a'))).toEqual([
        ['A3', 100],
        ['A4', 450],
        ['B1', 100],
      ]);
      // Those rows now belong to the later batch: purging it removes them.
      expect(await sink.previewPurge({ tenantId: 'tenant-a', batchId: 'batch-2' })).toEqual({ removes: 3, keeps: 0 });
      expect(await sink.deleteBatch({ tenantId: 'tenant-a', batchId: 'batch-2' }, { after: async () => {} })).toBe(3);
      expect(await rowsOf(sink, 'tenant-a')).toEqual([]);
      expect(bySku(await rowsOf(sink, 'tenant-b'))).toEqual([['A1', 100]]);
    });

    it('keeps the rows a purged batch only updated, which go back to the batch that inserted them', async (context) => {
      const sink = productSink(context);
      await importRows(sink, 'tenant-a', 'batch-1', [product('A1'), product('A2')]);
      await importRows(sink, 'tenant-a', 'batch-2', [product('A2', 300), product('B1')]);
      expect(await sink.previewPurge({ tenantId: 'tenant-a', batchId: 'batch-2' })).toEqual({ removes: 1, keeps: 0 });
      expect(await sink.deleteBatch({ tenantId: 'tenant-a', batchId: 'batch-2' }, { after: async () => {} })).toBe(1);
      expect(bySku(await rowsOf(sink, 'tenant-a'))).toEqual([
        ['A1', 100],
        ['A2', 300],
      ]);
      expect(await sink.previewPurge({ tenantId: 'tenant-a', batchId: 'batch-1' })).toEqual({ removes: 2, keeps: 0 });
      expect(await sink.deleteBatch({ tenantId: 'tenant-a', batchId: 'batch-1' }, { after: async () => {} })).toBe(2);
      expect(await rowsOf(sink, 'tenant-a')).toEqual([]);
    });

    it('keys customers by id, matches rows without one by e-mail, and gives new ones an id', async (context) => {
      const sink = storage().entitySink('customers') as AnySink | undefined;
      if (!sink) return context.skip();
      expect(sink.key).toEqual(['customer_id']);
      expect(
        await importRows(sink, 'tenant-a', 'batch-1', [
          customer('c-1', 'ada@example.com'),
          customer(null, 'grace@example.com', 'Grace Hopper'),
          customer(null, null, 'Walk-in'),
        ]),
      ).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
      const stored = await rowsOf(sink, 'tenant-a');
      const grace = stored.find((row) => row.name === 'Grace Hopper')?.customer_id;
      expect(grace).toMatch(/^[0-9a-f]{16}$/);
      expect(new Set(stored.map((row) => row.customer_id)).size).toBe(3);

      expect(
        await importRows(sink, 'tenant-a', 'batch-2', [
          // By id: the e-mail changes.
          customer('c-1', 'ada@lovelace.example'),
          // By e-mail, whatever its case: the name changes, the id stays.
          customer(null, 'Grace@Example.com', 'Rear Admiral Grace Hopper'),
          // A new id: a new customer.
          customer('c-2', 'alan@example.com', 'Alan Turing'),
        ]),
      ).toEqual({ inserted: 1, updated: 2, unchanged: 0 });
      const after = await rowsOf(sink, 'tenant-a');
      expect(after).toHaveLength(4);
      expect(after.find((row) => row.customer_id === grace)).toMatchObject({
        name: 'Rear Admiral Grace Hopper',
        email: 'Grace@Example.com',
      });
      expect(after.find((row) => row.customer_id === 'c-1')).toMatchObject({ email: 'ada@lovelace.example' });

      // Another tenant's e-mails are not matched.
      expect(await importRows(sink, 'tenant-b', 'batch-1', [customer(null, 'grace@example.com')])).toEqual({
        inserted: 1,
        updated: 0,
        unchanged: 0,
      });
      expect((await rowsOf(sink, 'tenant-b'))[0]?.customer_id).not.toBe(grace);

      // The same id twice, and two rows without an id with one e-mail (whatever its case): refused.
      const repeated = await failedImport(sink, 'tenant-b', [
        customer('c-9', 'x@example.com'),
        customer(null, 'Lin@example.com'),
        customer('c-9', 'y@example.com'),
        customer(null, 'lin@EXAMPLE.com'),
      ]);
      expect(repeated).toBeInstanceOf(RepeatedKeys);
      expect(repeated).toMatchObject({
        count: 2,
        repeats: [
          { row: 2, first: 0, column: 'id', value: 'c-9', match: 'key' },
          { row: 3, first: 1, column: 'email', value: 'lin@example.com', match: 'other' },
        ],
      });
      expect(await rowsOf(sink, 'tenant-b')).toHaveLength(1);
    });
  });
}
