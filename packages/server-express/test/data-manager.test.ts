import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot, startTestServer, type TestServer } from './harness.js';

const fixtures = join(import.meta.dirname, '../../core/test/fixtures');
const shopifyExport = readFileSync(join(fixtures, 'shopify-products-export.csv'));

type Batch = Record<string, unknown> & { id: string; status: string; record_count: number };

/** The seed's syncApi.uploadData: the file first, then the entity type. */
function uploadForm(file: Buffer | string, fields: Record<string, string> = { entity_type: 'products' }): FormData {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(Buffer.from(file))], { type: 'text/csv' }), 'products.csv');
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}

const productRows = (server: TestServer, batchId: string) =>
  server.storage.database.prepare('select sku, name, price from products where batch_id = ? order by id').all(batchId);

describe('Data Manager over HTTP (seed integration test 5: seed → upload → purge)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dataManager: { maxUploadBytes: 64 * 1024, backgroundAboveBytes: 8 * 1024 } });
  });
  afterAll(() => server.close());

  it('seeds, uploads a real Shopify export, lists, purges once, and exports', async () => {
    const api = server.as('tenant-a');
    const seeded = await api<Batch>('POST', '/api/data-manager/seed', {
      body: { entity_type: 'products', count: 10, seed: 1 },
    });
    expect(seeded.status).toBe(201);
    expect(seeded.body).toMatchObject({
      type: 'seed',
      entity_type: 'products',
      status: 'completed',
      record_count: 10,
      completed_at: expect.any(String),
      error_message: null,
      errors: [],
    });

    const uploaded = await api<Batch>('POST', '/api/data-manager/upload', { form: uploadForm(shopifyExport) });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({
      type: 'upload',
      status: 'completed',
      preset: 'shopify',
      record_count: 4,
      total_bytes: shopifyExport.length,
      bytes_read: shopifyExport.length,
    });
    expect(productRows(server, uploaded.body.id)).toContainEqual({ sku: 'MUG-001', name: 'Café Mug ☕', price: 1200 });

    const list = await api<Batch[]>('GET', '/api/data-manager/batches');
    expect(list.body.map((batch) => batch.id)).toEqual([uploaded.body.id, seeded.body.id]);
    expect((await api('GET', `/api/data-manager/batches/${seeded.body.id}`)).body).toEqual(seeded.body);

    const purged = await api<{ success: boolean; already_purged: boolean; batch: Batch }>(
      'DELETE',
      `/api/data-manager/batches/${uploaded.body.id}`,
    );
    expect(purged.status).toBe(200);
    expect(purged.body).toMatchObject({
      success: true,
      already_purged: false,
      batch: { type: 'purge', status: 'completed', record_count: 4, target_batch_id: uploaded.body.id },
    });
    expect(productRows(server, uploaded.body.id)).toEqual([]);
    expect(productRows(server, seeded.body.id)).toHaveLength(10);
    const again = await api<{ already_purged: boolean; batch: Batch }>(
      'DELETE',
      `/api/data-manager/batches/${uploaded.body.id}`,
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ already_purged: true, batch: { id: purged.body.batch.id } });
    expect((await api<Batch[]>('GET', '/api/data-manager/batches')).body[0]).toMatchObject({ type: 'purge' });
    expect((await api('GET', `/api/data-manager/batches/${uploaded.body.id}`)).body).toMatchObject({
      purged_by: purged.body.batch.id,
    });

    const exported = await api('GET', '/api/data-manager/export?entity_type=products');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="products.csv"');
    const lines = exported.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('sku,name,price,currency,category,stock,barcode,description');
    const raw = await fetch(`${server.url}/api/data-manager/export?entity_type=products`, {
      headers: { authorization: 'Bearer key-tenant-a-0123456789abcdef' },
    });
    // A byte order mark first, so spreadsheets read the UTF-8 (fetch's text() drops it).
    expect([...new Uint8Array(await raw.arrayBuffer()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(lines).toHaveLength(11);

    // Another tenant sees none of it.
    const other = server.as('tenant-b');
    expect((await other<Batch[]>('GET', '/api/data-manager/batches')).body).toEqual([]);
    expect((await other('GET', `/api/data-manager/batches/${seeded.body.id}`)).status).toBe(404);
    expect((await other('DELETE', `/api/data-manager/batches/${seeded.body.id}`)).status).toBe(404);
    expect(
      (await other('GET', '/api/data-manager/export?entity_type=products')).text.trimEnd().split('\r\n'),
    ).toHaveLength(1);
  });

  it('answers a failed upload with 422 BATCH_FAILED, the row errors, and writes no row', async () => {
    const before = snapshot(server.storage);
    const response = await server.as('tenant-a')('POST', '/api/data-manager/upload', {
      form: uploadForm('sku,name,price\nA-1,Apron,9.50\nA-2,,abc\nA-3,Bib\n'),
    });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({
      success: false,
      error_code: 'BATCH_FAILED',
      message: expect.stringContaining('3 problems; nothing was imported'),
      details: {
        batch: {
          status: 'failed',
          record_count: 0,
          error_count: 3,
          errors: [
            { row: 3, column: 'name', message: 'is required' },
            { row: 3, column: 'price', message: 'must be an amount such as 12.50' },
            { row: 4, column: null, message: 'has 2 cells where the header has 3' },
          ],
        },
      },
    });
    expect(snapshot(server.storage)).toEqual({ ...before, batches: before.batches + 1 });
  });

  it('answers a retried upload with the first batch when it carries the same Idempotency-Key', async () => {
    const send = () =>
      server.as('tenant-b')<Batch>('POST', '/api/data-manager/upload', {
        form: uploadForm('sku,name,price\nRETRY-1,Retried item,3.00\n'),
        headers: { 'idempotency-key': 'upload-7f3a' },
      });
    const first = await send();
    const before = snapshot(server.storage);
    const again = await send();
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(snapshot(server.storage)).toEqual(before);
    const bad = await server.as('tenant-b')('POST', '/api/data-manager/seed', {
      body: { entity_type: 'products' },
      headers: { 'idempotency-key': 'x'.repeat(300) },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error_code: 'VALIDATION_FAILED' });
    expect(snapshot(server.storage)).toEqual(before);
  });

  it('answers a large upload with 202 and progress, and finishes in the background', async () => {
    const rows = Array.from({ length: 400 }, (_, index) => `BG-${index},Background item ${index},${index}.25`).join(
      '\n',
    );
    const file = `sku,name,price\n${rows}\n`;
    const accepted = await server.as('tenant-c')<Batch>('POST', '/api/data-manager/upload', {
      form: uploadForm(file, { entity_type: 'products', preset: 'pos', currency: 'eur' }),
    });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe(`/api/data-manager/batches/${accepted.body.id}`);
    expect(accepted.body).toMatchObject({ status: 'processing', total_bytes: file.length, preset: 'pos' });
    let batch = accepted.body;
    for (let attempt = 0; attempt < 200 && batch.status === 'processing'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      batch = (await server.as('tenant-c')<Batch>('GET', `/api/data-manager/batches/${accepted.body.id}`)).body;
    }
    expect(batch).toMatchObject({
      status: 'completed',
      record_count: 400,
      processed_count: 400,
      bytes_read: file.length,
    });
    expect(productRows(server, batch.id)[0]).toEqual({ sku: 'BG-0', name: 'Background item 0', price: 25 });
  });

  it('runs a large seed in the background and answers 202', async () => {
    const accepted = await server.as('tenant-c')<Batch>('POST', '/api/data-manager/seed', {
      body: { entity_type: 'customers', count: 6000, seed: 9 },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ type: 'seed', status: 'processing', total_bytes: null });
    let batch = accepted.body;
    for (let attempt = 0; attempt < 300 && batch.status === 'processing'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      batch = (await server.as('tenant-c')<Batch>('GET', `/api/data-manager/batches/${accepted.body.id}`)).body;
    }
    expect(batch).toMatchObject({ status: 'completed', record_count: 6000, processed_count: 6000 });
  });

  it('refuses a file over the size limit with 413 after reading the whole body, and keeps nothing', async () => {
    const before = snapshot(server.storage);
    const big = `sku,name,price\n${'X-1,Too big,1.00\n'.repeat(10_000)}`;
    const response = await server.as('tenant-a')('POST', '/api/data-manager/upload', { form: uploadForm(big) });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({
      success: false,
      error_code: 'PAYLOAD_TOO_LARGE',
      details: { max_bytes: 65536 },
    });
    // Chunked, with no length announced: the limit is found while streaming.
    const streamed = new Request('http://x', { method: 'POST', body: uploadForm(big) });
    const chunked = await fetch(`${server.url}/api/data-manager/upload`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer key-tenant-a-0123456789abcdef',
        'content-type': streamed.headers.get('content-type') as string,
      },
      body: streamed.body,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toMatchObject({ error_code: 'PAYLOAD_TOO_LARGE' });
    expect(snapshot(server.storage)).toEqual(before);
  });

  const cases: Array<{
    name: string;
    method: string;
    path: string;
    body?: unknown;
    form?: () => FormData;
    status: number;
    code: string;
  }> = [
    {
      name: 'seed: unknown entity type',
      method: 'POST',
      path: '/api/data-manager/seed',
      body: { entity_type: 'suppliers' },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'seed: count 0',
      method: 'POST',
      path: '/api/data-manager/seed',
      body: { entity_type: 'products', count: 0 },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'seed: count over 100000',
      method: 'POST',
      path: '/api/data-manager/seed',
      body: { entity_type: 'products', count: 100_001 },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'seed: count as text',
      method: 'POST',
      path: '/api/data-manager/seed',
      body: { entity_type: 'products', count: '10' },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'seed: negative seed',
      method: 'POST',
      path: '/api/data-manager/seed',
      body: { entity_type: 'products', seed: -4 },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'seed: unknown field',
      method: 'POST',
      path: '/api/data-manager/seed',
      body: { entity_type: 'products', tenant_id: 'tenant-b' },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'seed: malformed JSON',
      method: 'POST',
      path: '/api/data-manager/seed',
      body: '{"entity_type":',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'upload: JSON instead of multipart',
      method: 'POST',
      path: '/api/data-manager/upload',
      body: { entity_type: 'products' },
      status: 415,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'upload: no file',
      method: 'POST',
      path: '/api/data-manager/upload',
      form: () => {
        const form = new FormData();
        form.append('entity_type', 'products');
        return form;
      },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'upload: no entity type',
      method: 'POST',
      path: '/api/data-manager/upload',
      form: () => uploadForm('sku,name,price\n', {}),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'upload: unknown entity type',
      method: 'POST',
      path: '/api/data-manager/upload',
      form: () => uploadForm('sku\n', { entity_type: 'suppliers' }),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'upload: unknown preset',
      method: 'POST',
      path: '/api/data-manager/upload',
      form: () => uploadForm('sku\n', { entity_type: 'products', preset: 'lightspeed' }),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'upload: a products preset for customers',
      method: 'POST',
      path: '/api/data-manager/upload',
      form: () => uploadForm('name\n', { entity_type: 'customers', preset: 'shopify' }),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'upload: a made-up currency',
      method: 'POST',
      path: '/api/data-manager/upload',
      form: () => uploadForm('sku\n', { entity_type: 'products', currency: 'ZZZ' }),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'upload: an unknown form field',
      method: 'POST',
      path: '/api/data-manager/upload',
      form: () => uploadForm('sku\n', { entity_type: 'products', tenant: 'tenant-b' }),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'upload: two files',
      method: 'POST',
      path: '/api/data-manager/upload',
      form: () => {
        const form = uploadForm('sku,name,price\nA,B,1\n');
        form.append('file', new Blob(['sku,name,price\n']), 'second.csv');
        return form;
      },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'batches: limit 0',
      method: 'GET',
      path: '/api/data-manager/batches?limit=0',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'batches: unknown query',
      method: 'GET',
      path: '/api/data-manager/batches?tenant=tenant-b',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'batch: malformed id',
      method: 'GET',
      path: '/api/data-manager/batches/not-an-id',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'batch: unknown id',
      method: 'GET',
      path: '/api/data-manager/batches/01900000-0000-7000-8000-000000000000',
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      name: 'purge: unknown id',
      method: 'DELETE',
      path: '/api/data-manager/batches/01900000-0000-7000-8000-000000000000',
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      name: 'purge: malformed id',
      method: 'DELETE',
      path: '/api/data-manager/batches/..%2F..',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'export: no entity type',
      method: 'GET',
      path: '/api/data-manager/export',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'export: unknown entity type',
      method: 'GET',
      path: '/api/data-manager/export?entity_type=orders',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'an unknown Data Manager route',
      method: 'POST',
      path: '/api/data-manager/import',
      body: {},
      status: 404,
      code: 'NOT_FOUND',
    },
  ];

  it.each(cases)('$name → $status $code, nothing written', async ({ method, path, body, form, status, code }) => {
    const before = snapshot(server.storage);
    const response = await server.as('tenant-a')(method, path, {
      ...(body !== undefined ? { body } : {}),
      ...(form ? { form: form() } : {}),
    });
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ success: false, error_code: code, message: expect.any(String) });
    expect(snapshot(server.storage)).toEqual(before);
  });

  it('requires an API key on every Data Manager route', async () => {
    for (const [method, path] of [
      ['POST', '/api/data-manager/seed'],
      ['POST', '/api/data-manager/upload'],
      ['GET', '/api/data-manager/batches'],
      ['GET', '/api/data-manager/export?entity_type=products'],
    ] as const) {
      const response = await server.anonymous(method, path, method === 'POST' ? { body: {} } : {});
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ error_code: 'UNAUTHORIZED' });
    }
  });
});

describe('variants', () => {
  it('mounts only the export in the export variant, nothing in lite, everything in full', async () => {
    for (const [variant, seed, exported, dataManager] of [
      ['full', 201, 200, true],
      ['export', 404, 200, false],
      ['lite', 404, 404, false],
    ] as const) {
      const server = await startTestServer({ variant });
      try {
        const api = server.as('tenant-a');
        expect(
          (await api('POST', '/api/data-manager/seed', { body: { entity_type: 'customers', count: 2 } })).status,
        ).toBe(seed);
        expect((await api('GET', '/api/data-manager/export?entity_type=customers')).status).toBe(exported);
        expect((await api('GET', '/api/data-manager/batches')).status).toBe(variant === 'full' ? 200 : 404);
        expect(
          (await server.anonymous<{ features: Record<string, boolean> }>('GET', '/api/capabilities')).body.features,
        ).toMatchObject({ data_manager: dataManager, export: variant !== 'lite' });
      } finally {
        await server.close();
      }
    }
  });
});
