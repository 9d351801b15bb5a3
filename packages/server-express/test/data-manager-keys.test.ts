import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIntegrations, createKeyRing, type IntegrationStorage } from '@pos/integrations-core';
import { createPostgresStorage } from '@pos/storage-postgres';
import { createSqliteStorage } from '@pos/storage-sqlite';
import {
  type ApiRequest,
  apiClient,
  listen,
  type PostgresCluster,
  startPostgresCluster,
  TEST_KEY_A,
} from '@pos/test-support';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrationsRouter } from '../src/index.js';

type Batch = Record<string, unknown> & { id: string; status: string };

interface Served {
  api: ApiRequest;
  close(): Promise<void>;
}

/** The Data Manager over real Express on a real port, on the given storage; one tenant. */
async function serve(storage: IntegrationStorage): Promise<Served> {
  const integrations = createIntegrations({
    storage,
    cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
    connectors: [],
    variant: 'full',
  });
  const app = express();
  app.use(
    integrationsRouter(integrations, { resolveTenant: (req) => (req.get('authorization') ? 'shop-1' : undefined) }),
  );
  const server = await listen(app);
  return {
    api: apiClient(server.url, { token: 'shop-1-key' }),
    async close() {
      await server.close();
      await integrations.close();
    },
  };
}

function form(csv: string, fields: Record<string, string>): FormData {
  const body = new FormData();
  body.append('file', new Blob([csv], { type: 'text/csv' }), 'file.csv');
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return body;
}

let cluster: PostgresCluster | undefined;
const dir = mkdtempSync(join(tmpdir(), 'pos-keys-'));
beforeAll(async () => {
  cluster = await startPostgresCluster();
});
afterAll(() => {
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const databases: Array<[string, () => Promise<IntegrationStorage>]> = [
  ['SQLite', () => createSqliteStorage({ filename: join(dir, `${Date.now()}-${Math.random()}.db`) })],
  ['PostgreSQL', () => createPostgresStorage({ connectionString: (cluster as PostgresCluster).freshDatabase() })],
];

describe.each(databases)('business keys over HTTP on %s', (_name, create) => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(await create());
  });
  afterAll(() => served.close());

  const upload = async (csv: string, fields: Record<string, string> = {}) =>
    served.api<Batch>('POST', '/api/data-manager/upload', {
      form: form(csv, { entity_type: 'products', ...fields }),
    });
  const exported = async (entity: string) =>
    (await served.api('GET', `/api/data-manager/export?entity_type=${entity}`)).text;
  const skus = async () =>
    (await exported('products'))
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(',').slice(0, 3).join(','));

  it('keeps one row per SKU: the same file twice changes nothing, a price list updates prices only', async () => {
    const file = 'sku,name,price\nA-1,Apron,9.50\nB-2,Bib,4.00\nC-3,Cap,2.00\n';
    const first = await upload(file);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'completed',
      mode: 'upsert',
      record_count: 3,
      inserted_count: 3,
      updated_count: 0,
      unchanged_count: 0,
    });
    const again = await upload(file);
    expect(again.body).toMatchObject({ record_count: 3, inserted_count: 0, updated_count: 0, unchanged_count: 3 });
    expect(await skus()).toEqual(['A-1,Apron,9.50', 'B-2,Bib,4.00', 'C-3,Cap,2.00']);

    const prices = await upload('sku,name,price\nB-2,Bib,4.50\nC-3,Cap,2.00\n');
    expect(prices.body).toMatchObject({ inserted_count: 0, updated_count: 1, unchanged_count: 1 });
    expect(await skus()).toEqual(['A-1,Apron,9.50', 'B-2,Bib,4.50', 'C-3,Cap,2.00']);
  });

  it('fails a file that holds a SKU twice, naming both rows, and an insert-only file whose SKU exists', async () => {
    const twice = await upload('sku,name,price\nD-4,Dish,1.00\nE-5,Egg cup,2.00\nD-4,Dish (blue),1.20\n');
    expect(twice.status).toBe(422);
    expect(twice.body).toMatchObject({
      success: false,
      error_code: 'BATCH_FAILED',
      details: {
        batch: { status: 'failed', errors: [{ row: 4, column: 'sku', message: expect.stringContaining('row 2') }] },
      },
    });

    const bad = await upload('sku,name,price\nF-6,Fork,1.00\nA-1,Apron,9.50\n', { mode: 'insert_only' });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({
      error_code: 'BATCH_FAILED',
      details: {
        batch: {
          status: 'failed',
          mode: 'insert_only',
          errors: [{ row: 3, column: 'sku', message: expect.any(String) }],
        },
      },
    });
    const good = await upload('sku,name,price\nF-6,Fork,1.00\n', { mode: 'insert_only' });
    expect(good.body).toMatchObject({ status: 'completed', inserted_count: 1 });
    expect((await upload('sku,name,price\nG-7,Glass,1\n', { mode: 'sometimes' })).body).toMatchObject({
      success: false,
      error_code: 'VALIDATION_FAILED',
      message: expect.stringContaining('mode'),
    });
    expect(await skus()).not.toContain('D-4,Dish,1.00');
  });

  it('previews and purges only what a batch still owns', async () => {
    const older = (await upload('sku,name,price\nP-1,Pan,10.00\nP-2,Pot,20.00\nP-3,Pail,30.00\n')).body;
    await upload('sku,name,price\nP-2,Pot,20.00\nP-3,Pail,35.00\n');
    const preview = await served.api('GET', `/api/data-manager/batches/${older.id}/purge-preview`);
    expect(preview.body).toMatchObject({ success: true, batch_id: older.id, removes: 1, keeps: 2 });
    const purged = await served.api('DELETE', `/api/data-manager/batches/${older.id}`);
    expect(purged.body).toMatchObject({ success: true, batch: { type: 'purge', record_count: 1 } });
    const rows = await skus();
    expect(rows.filter((row) => row.startsWith('P-'))).toEqual(['P-2,Pot,20.00', 'P-3,Pail,35.00']);
  });

  it('keys customers by id: the export re-imports onto the same customers', async () => {
    const first = await upload('name,email\nAda Lovelace,ada@example.com\nGrace Hopper,grace@example.com\n', {
      entity_type: 'customers',
    });
    expect(first.body).toMatchObject({ inserted_count: 2 });
    const out = await exported('customers');
    expect(out.replace(/^\uFEFF/, '').startsWith('id,name,email,')).toBe(true);
    // By e-mail, whatever its case: the customer without an id is updated.
    const byEmail = await upload('name,email,city\nGrace Hopper,GRACE@example.com,Arlington\n', {
      entity_type: 'customers',
    });
    expect(byEmail.body).toMatchObject({ inserted_count: 0, updated_count: 1 });
    const back = await upload(out, { entity_type: 'customers' });
    // Grace's city came after the export: re-importing the export sets it back.
    expect(back.body).toMatchObject({ inserted_count: 0, updated_count: 1, unchanged_count: 1 });
    expect(await exported('customers')).toBe(out);
  });
});
