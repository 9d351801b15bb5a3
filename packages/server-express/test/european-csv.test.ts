import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot, startTestServer, type TestServer } from './harness.js';

type Batch = Record<string, unknown> & { id: string; status: string; record_count: number };

/** A form as a browser sends it from an upload page: the fields (here `decimal`) before the file. */
function europeanUpload(csv: string, decimal?: string): FormData {
  const form = new FormData();
  form.append('entity_type', 'products');
  if (decimal !== undefined) form.append('decimal', decimal);
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'artikel.csv');
  return form;
}

describe('European CSV files over HTTP (decimal commas, thousands separators)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  /** The products a batch stored, as the database holds them: "sku price currency", price in minor units. */
  const stored = (batchId: string) =>
    (
      server.storage.database
        .prepare(
          "select sku || ' ' || price || ' ' || currency as product from products where batch_id = ? order by sku",
        )
        .all(batchId) as { product: string }[]
    ).map((row) => row.product);

  const upload = (tenant: string, csv: string, decimal?: string) =>
    server.as(tenant)<Batch>('POST', '/api/data-manager/upload', { form: europeanUpload(csv, decimal) });

  it('reads decimal commas in a file separated by semicolons, with thousands as points or spaces', async () => {
    const response = await upload(
      'tenant-a',
      'sku;name;price;currency\r\n' +
        'EU-1;Brötchen;9,99;EUR\r\n' +
        'EU-2;"Kaffee; groß";1.234,56;EUR\r\n' +
        'EU-3;Teekanne;1 234,5;EUR\r\n' +
        'EU-4;Tisch;12\u00a0345,00 €;EUR\r\n' +
        'EU-5;Stuhl;1.234;EUR\r\n',
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'completed', record_count: 5 });
    expect(stored(response.body.id)).toEqual([
      'EU-1 999 EUR',
      'EU-2 123456 EUR',
      'EU-3 123450 EUR',
      'EU-4 1234500 EUR',
      // A point before exactly three digits separates thousands in the comma convention.
      'EU-5 123400 EUR',
    ]);
    // Exported with the decimal point our own format uses.
    const exported = await server.as('tenant-a')('GET', '/api/data-manager/export?entity_type=products');
    expect(exported.text).toContain('\r\nEU-2,Kaffee; groß,1234.56,EUR,,,,\r\n');
  });

  it('reads quoted decimal commas in a comma-separated file when the upload says decimal=comma', async () => {
    const csv = 'sku,name,price\nC-1,Mug,"9,99"\nC-2,Jug,"1.234,50"\nC-3,Bowl,"2 000"\n';
    const before = snapshot(server.storage);
    const asPoints = await upload('tenant-b', csv);
    expect(asPoints.status).toBe(422);
    const message =
      'is not an amount with a decimal point such as 1234.50: use decimal=comma for files written with decimal commas (1234,50)';
    expect(asPoints.body).toMatchObject({
      success: false,
      error_code: 'BATCH_FAILED',
      details: {
        batch: {
          status: 'failed',
          error_count: 2,
          errors: [
            { row: 2, column: 'price', message },
            { row: 3, column: 'price', message },
          ],
        },
      },
    });
    expect(snapshot(server.storage)).toEqual({ ...before, batches: before.batches + 1 });

    const asCommas = await upload('tenant-b', csv, 'comma');
    expect(asCommas.status).toBe(201);
    expect(stored(asCommas.body.id)).toEqual(['C-1 999 USD', 'C-2 123450 USD', 'C-3 200000 USD']);
  });

  it('reads thousands separated by commas or spaces in a file with decimal points', async () => {
    const response = await upload(
      'tenant-c',
      'sku,name,price\nP-1,Table,"1,234.56"\nP-2,Desk,1 234.50\nP-3,Lamp,"1,234"\n',
    );
    expect(response.status).toBe(201);
    expect(stored(response.body.id)).toEqual([
      'P-1 123456 USD',
      'P-2 123450 USD',
      // A comma before exactly three digits separates thousands in the point convention.
      'P-3 123400 USD',
    ]);
  });

  it('refuses decimal points in a semicolon file unless the upload says decimal=point', async () => {
    const csv = 'sku;name;price\nS-1;Spoon;1,50\nS-2;Fork;9.99\nS-3;Knife;1.234,5\n';
    const before = snapshot(server.storage);
    const detected = await upload('tenant-c', csv);
    expect(detected.status).toBe(422);
    expect(detected.body).toMatchObject({
      message: expect.stringContaining('nothing was imported'),
      details: {
        batch: {
          error_count: 1,
          errors: [
            {
              row: 3,
              column: 'price',
              message:
                'is not an amount with a decimal comma such as 1234,50 (files separated by ";" are read with decimal commas): use decimal=point for files written with decimal points (1234.50)',
            },
          ],
        },
      },
    });
    expect(snapshot(server.storage)).toEqual({ ...before, batches: before.batches + 1 });

    // With decimal=point the same file's "1,50" and "1.234,5" are the wrong ones.
    const asPoints = await upload('tenant-c', csv, 'point');
    expect(asPoints.status).toBe(422);
    const wrong = { column: 'price', message: expect.stringMatching(/^is not an amount with a decimal point/) };
    expect(asPoints.body).toMatchObject({
      details: {
        batch: {
          error_count: 2,
          errors: [
            { row: 2, ...wrong },
            { row: 4, ...wrong },
          ],
        },
      },
    });
    const fixed = await upload('tenant-c', 'sku;name;price\nS-2;Fork;9.99\nS-4;Plate;"1,234.00"\n', 'point');
    expect(fixed.status).toBe(201);
    expect(stored(fixed.body.id)).toEqual(['S-2 999 USD', 'S-4 123400 USD']);
  });

  it('answers 400 for a decimal field other than point or comma, and imports nothing', async () => {
    const before = snapshot(server.storage);
    const response = await upload('tenant-a', 'sku,name,price\nX-1,Cup,1\n', 'euro');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      success: false,
      error_code: 'VALIDATION_FAILED',
      details: { issues: [{ field: 'decimal', message: 'must be point or comma' }] },
    });
    expect(snapshot(server.storage)).toEqual(before);
  });
});
