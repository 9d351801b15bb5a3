import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiRequest, apiClient, cookiesOf } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleLogger,
  createReferenceServer,
  DEMO_API_KEY,
  DEMO_SQUARE_LOCATION,
  DEMO_SQUARE_TOKEN,
  DEMO_WOOCOMMERCE_KEY,
  DEMO_WOOCOMMERCE_SECRET,
  type RunningServer,
  readConfig,
} from '../src/index.js';
import { consent } from './support/consent.js';

let dir: string;
let server: RunningServer;
let api: ApiRequest;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-reference-catalogue-'));
  const config = readConfig({ PORT: '0', POS_DB_PATH: join(dir, 'demo.db') }, 'demo');
  server = await (
    await createReferenceServer(
      config,
      consoleLogger(() => {}),
    )
  ).listen();
  api = apiClient(server.url, { token: DEMO_API_KEY });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts an import from the provider and follows its batch until it is no longer processing. */
// biome-ignore lint/suspicious/noExplicitAny: the batch is checked field by field.
async function importFrom(provider: string, body: Record<string, unknown>): Promise<any> {
  const started = await api('POST', `/api/data-manager/import-from/${provider}`, { body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  for (let attempt = 0; attempt < 400; attempt++) {
    const batch = await api('GET', `/api/data-manager/batches/${started.body.id}`);
    if (batch.body.status !== 'processing') return batch.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`The import from ${provider} did not finish.`);
}

/** The demo tenant's rows of one entity type, as its CSV export has them (header first). */
async function exported(entityType: string): Promise<string[]> {
  const response = await fetch(`${server.url}/api/data-manager/export?entity_type=${entityType}`, {
    headers: { authorization: `Bearer ${DEMO_API_KEY}` },
  });
  expect(response.status).toBe(200);
  // A record ends at a line break outside quotes: cleaned descriptions keep their own line breaks.
  const records: string[] = [];
  let record = '';
  let quoted = false;
  for (const char of await response.text()) {
    if (char === '"') quoted = !quoted;
    if (char === '\n' && !quoted) {
      records.push(record.replace(/\r$/, ''));
      record = '';
    } else {
      record += char;
    }
  }
  if (record !== '') records.push(record);
  return records;
}

/** A first import brings rows in; the same import again changes nothing and adds no row. */
async function importTwice(provider: string, entityType: string) {
  const before = await exported(entityType);
  const first = await importFrom(provider, { entity_type: entityType });
  expect(first).toMatchObject({ type: 'provider_import', source: provider, status: 'completed', errors: [] });
  expect(first.inserted_count).toBeGreaterThan(0);
  expect(first.processed_count).toBe(first.record_count);
  const afterFirst = await exported(entityType);
  expect(afterFirst.length).toBe(before.length + first.inserted_count);

  const again = await importFrom(provider, { entity_type: entityType });
  expect(again).toMatchObject({
    status: 'completed',
    record_count: first.record_count,
    inserted_count: 0,
    updated_count: 0,
    unchanged_count: first.record_count,
    missing_count: 0,
  });
  expect(await exported(entityType)).toEqual(afterFirst);
  return first;
}

describe('demo mode: importing a catalogue from each simulated provider', () => {
  it('offers no import before a provider is connected', async () => {
    const refused = await api('POST', '/api/data-manager/import-from/square', { body: { entity_type: 'products' } });
    expect(refused).toMatchObject({ status: 404, body: { success: false, error_code: 'NOT_FOUND' } });
  });

  it("pulls the Square café's items and customers, and again without duplicates", async () => {
    const connected = await api('POST', '/api/integrations/square/credentials', {
      body: { access_token: DEMO_SQUARE_TOKEN, location_id: DEMO_SQUARE_LOCATION },
    });
    expect(connected.body).toMatchObject({ success: true });
    await importTwice('square', 'products');
    await importTwice('square', 'customers');
  });

  it("pulls the Clover bakery's items, and again without duplicates", async () => {
    const response = await fetch(`${server.url}/demo/connect/clover`, { redirect: 'manual' });
    const { landing } = await consent(response.headers.get('location') as string, 'approve', cookiesOf(response));
    expect(landing.search).toBe('?provider=clover&status=connected');
    await importTwice('clover', 'products');
  });

  it("pulls the WooCommerce store's products and customers, and again without duplicates", async () => {
    const connected = await api('POST', '/api/integrations/woocommerce/credentials', {
      body: {
        store_url: `${server.url}/demo/woocommerce`,
        consumer_key: DEMO_WOOCOMMERCE_KEY,
        consumer_secret: DEMO_WOOCOMMERCE_SECRET,
      },
    });
    expect(connected.body).toMatchObject({ success: true });
    await importTwice('woocommerce', 'products');
    await importTwice('woocommerce', 'customers');
  });

  it("writes each import to the provider's integration log", async () => {
    const logs = await api('GET', '/api/integrations/woocommerce/logs');
    expect(JSON.stringify(logs.body)).toContain('catalogue_import_completed');
  });
});
