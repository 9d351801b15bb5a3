import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvLine } from '../src/batches/csv-writer.js';
import { escapeFormula, unescapeFormula } from '../src/batches/text.js';
import { chunked, type DataManagerHarness, startDataManager } from './data-manager-harness.js';

/** Characters that break naive CSV and spreadsheet handling, and text beyond Latin. */
const tricky = ['a', 'Z', '7', ' ', ',', '"', "'", ';', '=', '+', '-', '@', 'é', 'ж', '中', 'ع', '👕', '\n'];

/** A cell text: no blank at either end (cells are trimmed) and, unless allowed, no line break. */
const text = (maxLength: number, newlines = false) =>
  fc
    .array(fc.constantFrom(...tricky.filter((char) => newlines || char !== '\n')), {
      minLength: 1,
      maxLength,
    })
    .map((chars) => chars.join(''))
    .filter((value) => value.trim() === value && value.trim() !== '' && !/^[+-]?\d+(\.\d+)?$/.test(value));

const sku = fc
  .array(fc.constantFrom('A', 'b', '9', '-', '_', '.', '中', 'é'), { minLength: 1, maxLength: 12 })
  .map((chars) => chars.join(''));

const productRow = fc.record({
  sku,
  name: text(30),
  price: fc.integer({ min: 0, max: 10_000_000 }),
  category: fc.option(text(20), { nil: null }),
  stock: fc.option(fc.integer({ min: -50, max: 100_000 }), { nil: null }),
  description: fc.option(text(60, true), { nil: null }),
});

const customerRow = fc.record({
  id: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), { nil: null }),
  name: text(30),
  email: fc.option(fc.tuple(fc.stringMatching(/^[a-z0-9]{1,10}$/), fc.constantFrom('example.com', 'exämple.org')), {
    nil: null,
  }),
  company: fc.option(text(30), { nil: null }),
  city: fc.option(text(20), { nil: null }),
});

const money = (cents: number) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

let dm: DataManagerHarness;
let tenants = 0;
beforeAll(async () => {
  dm = await startDataManager();
});
afterAll(async () => {
  await dm.close();
});

async function exported(tenantId: string, entityType: string): Promise<string> {
  let csv = '';
  for await (const chunk of dm.batches.exportCsv(tenantId, entityType).chunks) csv += chunk;
  return csv;
}

async function upload(tenantId: string, entityType: string, csv: string) {
  const run = await dm.batches.upload(tenantId, { entityType, source: chunked(csv) });
  return run.done;
}

/** Export, re-import into the same tenant and into a new one: nothing changes, nothing doubles. */
async function roundTrip(entityType: string, csv: string, rows: number) {
  tenants += 1;
  const tenant = `round-trip-${tenants}`;
  const first = await upload(tenant, entityType, csv);
  expect([first.error_message, first.errors]).toEqual([null, []]);
  expect(first).toMatchObject({ status: 'completed', record_count: rows, inserted_count: rows });
  const out = await exported(tenant, entityType);

  const again = await upload(tenant, entityType, out);
  expect(again).toMatchObject({ status: 'completed', inserted_count: 0, updated_count: 0, unchanged_count: rows });
  expect(await exported(tenant, entityType)).toBe(out);

  const elsewhere = `${tenant}-copy`;
  expect(await upload(elsewhere, entityType, out)).toMatchObject({ status: 'completed', inserted_count: rows });
  expect(await exported(elsewhere, entityType)).toBe(out);
}

describe('export and re-import', () => {
  it('defuses formula-looking cells and reads every text back as it was', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("'", '=', '-', '+', '@', '1', '.', 'a'), { maxLength: 8 }).map((c) => c.join('')),
        (value) => {
          const written = escapeFormula(value);
          expect(/^[=+\-@]/.test(written) && !/^[+-]?\d+(\.\d+)?$/.test(written)).toBe(false);
          expect(unescapeFormula(written)).toBe(value);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is an identity for products, keyed by SKU', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(productRow, { selector: (row) => row.sku, minLength: 1, maxLength: 25 }),
        (rows) => {
          const lines = [csvLine(['sku', 'name', 'price', 'category', 'stock', 'description'])];
          for (const row of rows) {
            lines.push(csvLine([row.sku, row.name, money(row.price), row.category, row.stock, row.description]));
          }
          return roundTrip('products', lines.join(''), rows.length);
        },
      ),
      { numRuns: 25 },
    );
  }, 90_000);

  it('is an identity for customers, with and without ids', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(customerRow, { minLength: 1, maxLength: 25 })
          .map((rows) => rows.map((row) => ({ ...row, email: row.email && `${row.email[0]}@${row.email[1]}` })))
          // Each customer once: by id when it has one, else by e-mail.
          .filter((rows) => {
            const ids = rows.flatMap((row) => (row.id ? [row.id] : []));
            const emails = rows.flatMap((row) => (row.id === null && row.email ? [row.email] : []));
            return new Set(ids).size === ids.length && new Set(emails).size === emails.length;
          }),
        (rows) => {
          const lines = [csvLine(['id', 'name', 'email', 'company', 'city'])];
          for (const row of rows) lines.push(csvLine([row.id, row.name, row.email, row.company, row.city]));
          return roundTrip('customers', lines.join(''), rows.length);
        },
      ),
      { numRuns: 25 },
    );
  }, 90_000);
});
