/**
 * Importing a provider's catalogue, beyond the conformance suite: on SQLite and PostgreSQL, a
 * count the provider did not report keeps the stored stock, a provider row that fails validation
 * is named by its object id, a SKU the provider repeats names both objects; and an import whose
 * process died is failed exactly once by the next server, with nothing written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIntegrations, createKeyRing, type IntegrationStorage, type Integrations } from '@pos/integrations-core';
import { createPostgresStorage } from '@pos/storage-postgres';
import { createSqliteStorage } from '@pos/storage-sqlite';
import {
  type ApiRequest,
  apiClient,
  listen,
  ManualClock,
  type PostgresCluster,
  startPostgresCluster,
  TEST_KEY_A,
  useProviderMock,
} from '@pos/test-support';
import express from 'express';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { examplePosWithCatalogue } from '../../../test/fixtures/example-catalogue.js';
import {
  EXAMPLE_POS_API,
  EXAMPLE_POS_KEY,
  type ExamplePosProduct,
  examplePosSimulation,
} from '../../../test/fixtures/example-pos-simulator.js';
import { integrationsRouter } from '../src/index.js';

const mock = useProviderMock();
const retry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 10 };
type Batch = Record<string, unknown> & { id: string; status: string };

interface Served {
  api: ApiRequest;
  integrations: Integrations;
  close(): Promise<void>;
}

async function serve(storage: IntegrationStorage, options: { clock?: ManualClock } = {}): Promise<Served> {
  const integrations = createIntegrations({
    storage,
    cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
    connectors: [examplePosWithCatalogue({ retry })],
    variant: 'full',
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const app = express();
  app.use(
    integrationsRouter(integrations, { resolveTenant: (req) => (req.get('authorization') ? 'shop-1' : undefined) }),
  );
  const server = await listen(app);
  return {
    api: apiClient(server.url, { token: 'shop-1-key' }),
    integrations,
    async close() {
      await server.close();
      await integrations.close();
    },
  };
}

const product = (index: number, changes: Partial<ExamplePosProduct> = {}): ExamplePosProduct => ({
  id: `prod_${index}`,
  sku: `EX-${index}`,
  name: `Example ${index}`,
  price_cents: 100 * index,
  currency: 'USD',
  stock: null,
  ...changes,
});

let cluster: PostgresCluster | undefined;
const dir = mkdtempSync(join(tmpdir(), 'pos-provider-import-'));
beforeAll(async () => {
  cluster = await startPostgresCluster();
});
afterAll(() => {
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let sim = examplePosSimulation();
beforeEach(() => {
  sim = examplePosSimulation();
  mock.resetHandlers(...sim.handlers);
});

async function connect(api: ApiRequest) {
  const connected = await api('POST', '/api/integrations/example/credentials', { body: { api_key: EXAMPLE_POS_KEY } });
  expect(connected.status, connected.text).toBe(200);
}

async function importProducts(served: Served): Promise<Batch> {
  const started = await served.api<Batch>('POST', '/api/data-manager/import-from/example', {
    body: { entity_type: 'products' },
  });
  expect(started.status, started.text).toBe(202);
  const run = await served.integrations.batches?.get('shop-1', started.body.id);
  for (let waited = 0; waited < 20_000; waited += 25) {
    const batch = await served.api<Batch>('GET', `/api/data-manager/batches/${started.body.id}`);
    if (batch.body.status !== 'processing') return batch.body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Batch ${run?.id} did not finish.`);
}

async function stock(served: Served): Promise<Record<string, string>> {
  const csv = (await served.api('GET', '/api/data-manager/export?entity_type=products')).text;
  const [header, ...lines] = csv
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');
  const at = (header ?? '').split(',').indexOf('stock');
  return Object.fromEntries(lines.map((line) => [line.split(',')[0], line.split(',')[at] ?? '']));
}

const databases: Array<[string, () => Promise<IntegrationStorage>]> = [
  ['SQLite', () => createSqliteStorage({ filename: join(dir, `${Date.now()}-${Math.random()}.db`) })],
  ['PostgreSQL', () => createPostgresStorage({ connectionString: (cluster as PostgresCluster).freshDatabase() })],
];

describe.each(databases)('provider import on %s', (_name, create) => {
  it('writes a stock count only where the provider reported one: a missing count keeps the stored stock', async () => {
    const served = await serve(await create());
    try {
      await connect(served.api);
      const file = new FormData();
      file.append('file', new Blob(['sku,name,price,stock\nEX-1,Example 1,1.00,12\nEX-2,Example 2,2.00,7\n']), 'p.csv');
      file.append('entity_type', 'products');
      expect((await served.api('POST', '/api/data-manager/upload', { form: file })).status).toBe(201);

      sim.products.push(product(1, { stock: null }), product(2, { stock: 3 }), product(3, { stock: null }));
      const first = await importProducts(served);
      expect(first).toMatchObject({ status: 'completed', inserted_count: 1, updated_count: 1, unchanged_count: 1 });
      expect(await stock(served)).toEqual({ 'EX-1': '12', 'EX-2': '3', 'EX-3': '' });

      // An import that again reports no count for EX-1 finds it unchanged rather than emptying it.
      const again = await importProducts(served);
      expect(again).toMatchObject({ status: 'completed', updated_count: 0, unchanged_count: 3 });
      expect(await stock(served)).toEqual({ 'EX-1': '12', 'EX-2': '3', 'EX-3': '' });
    } finally {
      await served.close();
    }
  });

  it("names a provider row that fails validation by its object id, and a repeated SKU by both objects' ids", async () => {
    const served = await serve(await create());
    try {
      await connect(served.api);
      sim.products.push(product(1), product(2, { name: '' }), product(3));
      const invalid = await importProducts(served);
      expect(invalid).toMatchObject({
        status: 'failed',
        record_count: 0,
        errors: [{ ref: 'prod_2', column: 'name', message: 'is required' }],
      });
      expect(invalid.error_message).toContain('prod_2');

      sim.products.splice(0, 3, product(1), product(2), product(4, { sku: 'EX-1' }));
      const repeated = await importProducts(served);
      expect(repeated).toMatchObject({
        status: 'failed',
        errors: [{ ref: 'prod_4', column: 'sku', message: expect.stringContaining('prod_1') }],
      });
      expect(await stock(served)).toEqual({});
    } finally {
      await served.close();
    }
  });
});

describe('provider import after a crash', () => {
  it('is failed exactly once by the next server, and writes nothing', async () => {
    const filename = join(dir, 'crash.db');
    const first = await serve(await createSqliteStorage({ filename }));
    await connect(first.api);
    sim.products.push(...Array.from({ length: 150 }, (_, index) => product(index + 1)));
    // The second page never answers: the import is stuck mid-way, as in a process that died.
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    mock.use(
      http.get(`${EXAMPLE_POS_API}/v1/products`, async ({ request }) => {
        if (!new URL(request.url).searchParams.get('cursor')) return undefined;
        await stuck;
        return HttpResponse.json({ error: 'gone' }, { status: 503 });
      }),
    );
    const started = await first.api<Batch>('POST', '/api/data-manager/import-from/example', {
      body: { entity_type: 'products' },
    });
    expect(started.status).toBe(202);

    // The next server's clock is an hour on: the batch's heartbeat is long stale to it.
    const later = new ManualClock(new Date(Date.now() + 3_600_000).toISOString());
    const second = await serve(await createSqliteStorage({ filename }), { clock: later });
    try {
      const recovered = (await second.integrations.batches?.recover()) ?? [];
      expect(recovered.map((batch) => batch.id)).toEqual([started.body.id]);
      expect(await second.integrations.batches?.recover()).toEqual([]);
      const batch = await second.api<Batch>('GET', `/api/data-manager/batches/${started.body.id}`);
      expect(batch.body).toMatchObject({
        status: 'failed',
        type: 'provider_import',
        source: 'example',
        record_count: 0,
      });
      expect(await stock(second)).toEqual({});
    } finally {
      release();
      await first.close();
      await second.close();
    }
  });
});
