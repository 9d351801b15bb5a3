import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvLine } from '../src/batches/csv-writer.js';
import { formatPrice } from '../src/batches/money.js';
import { PRODUCT_COLUMNS, type ProductRow, productsEntity } from '../src/batches/products.js';
import type { DataBatch, EntitySink } from '../src/index.js';
import type { EntityImport } from '../src/storage.js';
import { chunked, type DataManagerHarness, startDataManager } from './data-manager-harness.js';

/** Property 12 (docs/properties.md): a batch that fails partway leaves no row behind and is marked failed. */

const product = fc.record({
  sku: fc.stringMatching(/^[A-Z]{2,4}-[0-9]{1,6}$/),
  name: fc
    .string({ unit: fc.constantFrom('a', 'B', ' ', ',', '"', 'é', '👕', '\n'), minLength: 1, maxLength: 20 })
    .filter((name) => name.trim() !== ''),
  price: fc.integer({ min: 0, max: 9_999_999 }),
  stock: fc.option(fc.integer({ min: -50, max: 10_000 }), { nil: null }),
});
type GeneratedProduct = { sku: string; name: string; price: number; stock: number | null };

function csv(products: GeneratedProduct[], extra?: { at: number; line: string }): string {
  const lines = products.map((item) =>
    csvLine(
      PRODUCT_COLUMNS.map(
        (column) =>
          (({ ...item, price: formatPrice(item.price, 'USD'), currency: 'USD' }) as Record<string, unknown>)[column],
      ),
    ),
  );
  if (extra) lines.splice(extra.at, 0, extra.line);
  return csvLine(PRODUCT_COLUMNS) + lines.join('');
}

const invalidLines = fc.constantFrom(
  'NO-PRICE,Nameless price,,USD,,,,\r\n',
  ',No SKU,1.00,USD,,,,\r\n',
  'BAD-1,Comma decimal,"1,5",USD,,,,\r\n',
  'BAD-2,Fraction of a cent,1.001,USD,,,,\r\n',
  'BAD-3,Unknown currency,1.00,XXY,,,,\r\n',
  'BAD-4,Half a thing,1.00,USD,,2.5,,\r\n',
  'BAD-5,Too few cells,1.00\r\n',
);

type Failure = { where: 'write'; atRow: number } | { where: 'commit' } | { where: 'in-transaction' };

/** The real SQLite products sink, made to fail at a chosen point. */
function failingSink(real: EntitySink<ProductRow>, failure: { current?: Failure }): EntitySink<ProductRow> {
  return {
    ...real,
    key: real.key,
    deleteBatch: real.deleteBatch.bind(real),
    previewPurge: real.previewPurge.bind(real),
    read: real.read.bind(real),
    async open(target) {
      const inner: EntityImport<ProductRow> = await real.open(target);
      let written = 0;
      return {
        async write(rows) {
          written += rows.length;
          const plan = failure.current;
          if (plan?.where === 'write' && written >= plan.atRow) throw new Error('disk full while staging');
          await inner.write(rows);
        },
        async commit(finish) {
          const plan = failure.current;
          if (plan?.where === 'commit') throw new Error('connection lost before commit');
          return inner.commit(async (tx, counts) => {
            await finish(tx, counts);
            // The rows are already copied inside this transaction: the throw must undo them.
            if (plan?.where === 'in-transaction') throw new Error('constraint failed after the copy');
          });
        },
        abort: () => inner.abort(),
      };
    },
  };
}

let dm: DataManagerHarness;
const failure: { current?: Failure } = {};
beforeAll(async () => {
  dm = await startDataManager({
    entities: (storage) => [
      productsEntity(failingSink(storage.entitySink('products') as EntitySink<ProductRow>, failure)) as never,
    ],
  });
});
afterAll(() => dm.close());

describe('Property 12: batch atomicity', () => {
  it('an invalid row anywhere in an upload leaves zero rows and a failed batch naming the row', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(product, { minLength: 1, maxLength: 30 }),
        invalidLines,
        fc.nat(),
        fc.integer({ min: 1, max: 200 }),
        async (products, line, position, chunkSize) => {
          failure.current = undefined;
          const at = position % (products.length + 1);
          const before = dm.count('products');
          const batch = await (
            await dm.batches.upload('tenant-p', {
              entityType: 'products',
              source: chunked(csv(products, { at, line }), chunkSize),
            })
          ).done;
          expect(batch.status).toBe('failed');
          expect(batch.record_count).toBe(0);
          expect(batch.errors[0]?.row).toBe(at + 2); // the header is row 1
          expect(dm.rows('products', { batchId: batch.id })).toEqual([]);
          expect(dm.count('products')).toBe(before);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a sink failure at any point (staging, commit, inside the transaction) leaves zero rows and a failed batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(product, { minLength: 1, maxLength: 40 }),
        fc.oneof(
          fc.record({ where: fc.constant('write' as const), atRow: fc.integer({ min: 1, max: 40 }) }),
          fc.constant({ where: 'commit' as const }),
          fc.constant({ where: 'in-transaction' as const }),
        ),
        fc.integer({ min: 16, max: 300 }),
        async (products, plan, chunkSize) => {
          // The staging failure strikes at a row the file has.
          failure.current =
            plan.where === 'write' ? { where: 'write', atRow: Math.min(plan.atRow, products.length) } : plan;
          const before = dm.count('products');
          const run = await dm.batches.upload('tenant-p', {
            entityType: 'products',
            source: chunked(csv(products), chunkSize),
          });
          const batch = await run.done;
          expect(batch).toMatchObject({ status: 'failed', record_count: 0 });
          expect(batch.error_message).toBe('The rows could not be written; nothing was imported.');
          expect(dm.rows('products', { batchId: batch.id })).toEqual([]);
          expect(dm.count('products')).toBe(before);
        },
      ),
      { numRuns: 40 },
    );
    failure.current = undefined;
  });

  it('a purge deletes exactly its batch of its tenant, once, and records itself', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            tenant: fc.constantFrom('tenant-x', 'tenant-y'),
            rows: fc.array(product, { minLength: 1, maxLength: 12 }),
          }),
          {
            minLength: 2,
            maxLength: 5,
          },
        ),
        fc.nat(),
        async (uploads, pick) => {
          failure.current = undefined;
          const made: Array<{ tenant: string; batch: DataBatch }> = [];
          for (const upload of uploads) {
            const batch = await (
              await dm.batches.upload(upload.tenant, { entityType: 'products', source: chunked(csv(upload.rows)) })
            ).done;
            expect(batch.status).toBe('completed');
            made.push({ tenant: upload.tenant, batch });
          }
          const snapshot = () => made.map(({ batch }) => dm.rows('products', { batchId: batch.id }));
          const before = snapshot();
          const target = made[pick % made.length] as (typeof made)[number];
          const other = target.tenant === 'tenant-x' ? 'tenant-y' : 'tenant-x';

          await expect(dm.batches.purge(other, target.batch.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
          expect(snapshot()).toEqual(before);

          const first = await dm.batches.purge(target.tenant, target.batch.id);
          expect(first).toMatchObject({ alreadyPurged: false });
          expect(first.purge).toMatchObject({
            type: 'purge',
            status: 'completed',
            record_count: target.batch.record_count,
            target_batch_id: target.batch.id,
          });
          const after = snapshot();
          made.forEach(({ batch }, index) => {
            expect(after[index]).toEqual(batch.id === target.batch.id ? [] : before[index]);
          });
          const again = await dm.batches.purge(target.tenant, target.batch.id);
          expect(again).toEqual({ purge: first.purge, alreadyPurged: true });
          expect(await dm.batches.get(target.tenant, target.batch.id)).toMatchObject({ purged_by: first.purge.id });
        },
      ),
      { numRuns: 20 },
    );
  });
});
