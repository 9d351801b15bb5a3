import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeListener } from '@pos/simulators';
import { apiClient, listen } from '@pos/test-support';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSupabase } from '../src/demo/simulators.js';
import {
  ConfigError,
  consoleLogger,
  createReferenceServer,
  DEMO_API_KEY,
  DEMO_SQUARE_LOCATION,
  DEMO_SQUARE_TOKEN,
  DEMO_SUPABASE_KEY,
  DEMO_TENANT,
  DEMO_WOOCOMMERCE_KEY,
  DEMO_WOOCOMMERCE_SECRET,
  describeDatabase,
  type RunningServer,
  readConfig,
} from '../src/index.js';

const quiet = consoleLogger(() => {});
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-reference-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function create(env: Record<string, string>, mode: 'demo' | 'real') {
  const config = readConfig({ PORT: '0', POS_DB_PATH: join(dir, `${mode}-${Math.random()}.db`), ...env }, mode);
  return createReferenceServer(config, quiet);
}

async function start(env: Record<string, string>, mode: 'demo' | 'real'): Promise<RunningServer> {
  return (await create(env, mode)).listen();
}

describe('demo mode', () => {
  it('connects Square with the documented demo token against the simulated API', async () => {
    const server = await start({}, 'demo');
    try {
      const api = apiClient(server.url, { token: DEMO_API_KEY });
      expect((await apiClient(server.url)('GET', '/healthz')).body).toEqual({
        status: 'ok',
        mode: 'demo',
        variant: 'full',
      });
      const connected = await api('POST', '/api/integrations/square/credentials', {
        body: { access_token: DEMO_SQUARE_TOKEN, location_id: DEMO_SQUARE_LOCATION },
      });
      expect(connected.body).toMatchObject({ success: true });
      expect((await api('POST', '/api/integrations/square/test')).body).toMatchObject({ success: true });
      expect((await api('GET', '/api/integrations/square/summary')).body).toMatchObject({
        location_name: 'Demo Coffee — Main St',
        address: '1 Main St, Springfield, IL 62701, US',
      });
      const rejected = await api('POST', '/api/integrations/square/credentials', {
        body: { access_token: 'sq0atp-some-other-token-value', location_id: DEMO_SQUARE_LOCATION },
      });
      expect(rejected.body).toMatchObject({ error_code: 'SQUARE_INVALID_TOKEN' });
      expect((await api('DELETE', '/api/integrations/square/disconnect')).body).toMatchObject({ success: true });
      const simulated = await fetch(`${server.url}/demo/square/v2/locations`);
      expect(simulated.headers.get('x-simulated')).toBe('square');
    } finally {
      await server.close();
    }
  });

  it('serves the settings page wired to the demo key, the OAuth return page and the browser bundle', async () => {
    const server = await start({}, 'demo');
    try {
      const page = await fetch(`${server.url}/`);
      expect(page.headers.get('content-type')).toContain('text/html');
      const html = await page.text();
      expect(html).toContain(`<pos-integrations token="${DEMO_API_KEY}">`);
      expect(html).toContain(`<pos-data-manager token="${DEMO_API_KEY}">`);
      expect(html).toContain(`<pos-stripe-checkout-button amount="4250" currency="USD" token="${DEMO_API_KEY}">`);
      expect(html).toContain('<pos-payment-method-select');
      expect(html).toContain('Demo mode.');
      expect(html).toContain(DEMO_SUPABASE_KEY);
      expect(html).toContain('data-origin-path="/demo/supabase"');
      expect(html).toContain('data-origin-path="/demo/woocommerce"');
      expect(html).toContain(DEMO_WOOCOMMERCE_KEY);
      expect(html).toContain(DEMO_WOOCOMMERCE_SECRET);
      expect(await (await fetch(`${server.url}/settings/integrations?provider=square&status=connected`)).text()).toBe(
        html,
      );
      const bundle = await fetch(`${server.url}/assets/pos-web-components.js`);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toContain('javascript');
      expect(await bundle.text()).toContain('pos-integration-card');
    } finally {
      await server.close();
    }
  });
});

describe('WooCommerce', () => {
  it('connects the simulated store with the demo key, summarises it, and refuses wrong keys and URLs', async () => {
    const server = await start({}, 'demo');
    try {
      const api = apiClient(server.url, { token: DEMO_API_KEY });
      expect((await api('GET', '/api/capabilities')).body).toMatchObject({ features: { woocommerce: true } });
      const { integrations } = (await api('GET', '/api/integrations')).body as {
        integrations: Array<{ id: string; disconnect_note?: string }>;
      };
      expect(integrations.find((integration) => integration.id === 'woocommerce')?.disconnect_note).toContain(
        'until you revoke it',
      );
      const store_url = `${server.url}/demo/woocommerce`;
      const keys = { consumer_key: DEMO_WOOCOMMERCE_KEY, consumer_secret: DEMO_WOOCOMMERCE_SECRET };
      const wrongSecret = await api('POST', '/api/integrations/woocommerce/credentials', {
        body: { store_url, ...keys, consumer_secret: 'cs_0000000000000000000000' },
      });
      expect(wrongSecret).toMatchObject({ status: 400, body: { error_code: 'WOOCOMMERCE_INVALID_KEYS' } });
      const wrongUrl = await api('POST', '/api/integrations/woocommerce/credentials', {
        body: { store_url: `${server.url}/demo/nothing-here`, ...keys },
      });
      expect(wrongUrl).toMatchObject({ status: 400, body: { error_code: 'WOOCOMMERCE_NOT_FOUND' } });

      const connected = await api('POST', '/api/integrations/woocommerce/credentials', {
        body: { store_url, ...keys },
      });
      expect(connected.body).toMatchObject({
        success: true,
        status: { connected: true, store_name: 'Demo Coffee Shop (simulated)', store_url },
      });
      expect(JSON.stringify(connected.body)).not.toContain(DEMO_WOOCOMMERCE_SECRET);
      expect((await api('GET', '/api/integrations/woocommerce/summary')).body).toMatchObject({
        store_name: 'Demo Coffee Shop (simulated)',
        currency: 'USD',
        product_count: 15,
      });
      expect((await api('POST', '/api/integrations/woocommerce/test')).body).toMatchObject({ success: true });
      expect((await api('DELETE', '/api/integrations/woocommerce/disconnect')).body).toMatchObject({ success: true });
      const simulated = await fetch(`${store_url}/wp-json`);
      expect(simulated.headers.get('x-simulated')).toBe('woocommerce');
    } finally {
      await server.close();
    }
  });

  it('is offered in real mode without any configuration, and refuses a store on a private address', async () => {
    const key = 'store-1-key-0123456789abcdef';
    const server = await start(
      { POS_ENCRYPTION_KEY: Buffer.alloc(32, 2).toString('base64'), POS_API_KEYS: `store-1:${key}` },
      'real',
    );
    try {
      const api = apiClient(server.url, { token: key });
      expect((await api('GET', '/api/capabilities')).body).toMatchObject({ features: { woocommerce: true } });
      const refused = await api('POST', '/api/integrations/woocommerce/credentials', {
        body: {
          store_url: 'https://127.0.0.1:8443',
          consumer_key: DEMO_WOOCOMMERCE_KEY,
          consumer_secret: DEMO_WOOCOMMERCE_SECRET,
        },
      });
      expect(refused).toMatchObject({ status: 400, body: { error_code: 'VALIDATION_FAILED' } });
      expect((await api('GET', '/api/integrations/woocommerce/status')).body).toMatchObject({ connected: false });
    } finally {
      await server.close();
    }
  });
});

describe('demo mode: Supabase', () => {
  it('connects the simulated project with the demo secret key and pushes queued changes to it', async () => {
    const reference = await create({}, 'demo');
    const server = await reference.listen();
    try {
      const api = apiClient(server.url, { token: DEMO_API_KEY });
      const projectUrl = `${server.url}/demo/supabase`;
      const rejected = await api('POST', '/api/integrations/supabase/credentials', {
        body: { project_url: projectUrl, service_key: 'sb_secret_some_other_key_value' },
      });
      expect(rejected.status).toBe(400);
      expect(rejected.body).toMatchObject({ error_code: 'SUPABASE_INVALID_CREDENTIALS' });

      const connected = await api('POST', '/api/integrations/supabase/credentials', {
        body: { project_url: projectUrl, service_key: DEMO_SUPABASE_KEY },
      });
      expect(connected.body).toMatchObject({ success: true, status: { key_type: 'secret' } });
      expect((await api('POST', '/api/integrations/supabase/test')).body).toMatchObject({ success: true });
      // Connecting queued every row the demo account already holds.
      const count = (entity: 'products' | 'customers') =>
        reference.integrations.storage.entitySink(entity)?.count?.(DEMO_TENANT) ?? Promise.resolve(0);
      const [products, customers] = [await count('products'), await count('customers')];
      const held = products + customers;

      await reference.integrations.sync.enqueue(DEMO_TENANT, 'products', 'upsert', {
        sku: 'DEMO-1',
        name: 'Demo latte',
        price: 450,
        currency: 'USD',
      });
      await reference.integrations.sync.enqueue(DEMO_TENANT, 'customers', 'upsert', { id: 'c-1', name: 'Ada' });
      await reference.integrations.sync.enqueue(DEMO_TENANT, 'customers', 'delete', { id: 'c-1' });
      expect((await api('GET', '/api/integrations/supabase/summary')).body).toMatchObject({
        postgrest_version: '12.0.2 (simulated)',
        missing_tables: [],
        pending_queue_count: held + 3,
      });
      expect((await api('POST', '/api/integrations/supabase/sync')).body).toMatchObject({
        success: true,
        delivered: held + 3,
        pending_queue_count: 0,
      });

      const rows = await fetch(`${projectUrl}/rest/v1/pos_products`, { headers: { apikey: DEMO_SUPABASE_KEY } });
      expect(rows.headers.get('x-simulated')).toBe('supabase');
      const remoteProducts = (await rows.json()) as Array<Record<string, unknown>>;
      expect(remoteProducts).toHaveLength(products + 1);
      expect(remoteProducts).toContainEqual({
        sku: 'DEMO-1',
        name: 'Demo latte',
        price: 450,
        currency: 'USD',
        tenant_id: DEMO_TENANT,
      });
      const remoteCustomers = await fetch(`${projectUrl}/rest/v1/pos_customers`, {
        headers: { apikey: DEMO_SUPABASE_KEY },
      });
      const customerRows = (await remoteCustomers.json()) as Array<{ id: string }>;
      expect(customerRows).toHaveLength(customers);
      expect(customerRows.map((row) => row.id)).not.toContain('c-1');
    } finally {
      await server.close();
    }
  });
});

describe('real mode', () => {
  it('refuses to start without an encryption key or API keys, and says how to fix it', () => {
    expect(() => readConfig({ POS_API_KEYS: 'store-1:0123456789abcdef0123' }, 'real')).toThrow(ConfigError);
    expect(() => readConfig({ POS_API_KEYS: 'store-1:0123456789abcdef0123' }, 'real')).toThrow(/randomBytes\(32\)/);
    expect(() => readConfig({ POS_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') }, 'real')).toThrow(
      /POS_API_KEYS/,
    );
    expect(() => readConfig({ POS_VARIANT: 'mega' }, 'demo')).toThrow(/lite, export or full/);
    expect(() => readConfig({ POS_API_KEYS: 'no-colon' }, 'demo')).toThrow(/tenant:key/);
    expect(() => readConfig({ POS_SYNC_INTERVAL_MS: '50' }, 'demo')).toThrow(/POS_SYNC_INTERVAL_MS/);
    expect(readConfig({ POS_SYNC_INTERVAL_MS: '0' }, 'demo').syncIntervalMs).toBe(0);
    expect(readConfig({}, 'demo').corsOrigins).toEqual([]);
    expect(
      readConfig({ POS_CORS_ORIGINS: 'https://pos.example.com/, http://127.0.0.1:8000' }, 'demo').corsOrigins,
    ).toEqual(['https://pos.example.com', 'http://127.0.0.1:8000']);
    expect(() => readConfig({ POS_CORS_ORIGINS: 'https://pos.example.com/app' }, 'demo')).toThrow(
      /POS_CORS_ORIGINS must be a comma list of origins/,
    );
  });

  it('takes PostgreSQL from DATABASE_URL and never repeats its password', () => {
    const env = {
      POS_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      POS_API_KEYS: 'store-1:0123456789abcdef0123',
    };
    const config = readConfig({ ...env, DATABASE_URL: 'postgresql://pos:s3cret-pw@db.internal:5432/pos' }, 'real');
    expect(config).toMatchObject({
      databaseUrl: 'postgresql://pos:s3cret-pw@db.internal:5432/pos',
      databasePoolSize: 10,
    });
    expect(describeDatabase(config)).toBe('PostgreSQL db.internal:5432/pos');
    expect(describeDatabase(readConfig(env, 'real'))).toMatch(/^SQLite .*pos\.db$/);
    expect(readConfig({ ...env, POS_DB_POOL_SIZE: '25' }, 'real').databasePoolSize).toBe(25);

    const refusals = [
      { DATABASE_URL: 'mysql://pos:s3cret-pw@db.internal/pos' },
      { DATABASE_URL: 's3cret-pw not a url' },
      { POS_DB_POOL_SIZE: '0' },
    ];
    for (const refusal of refusals) {
      const attempt = () => readConfig({ ...env, ...refusal }, 'real');
      expect(attempt).toThrow(ConfigError);
      expect(attempt).not.toThrow(/s3cret/);
    }
    expect(() => readConfig({ ...env, ...refusals[0] }, 'real')).toThrow(/postgres:\/\/ or postgresql:\/\//);
  });

  it('authenticates every API call with the configured keys and does not serve the simulators', async () => {
    const key = 'store-1-key-0123456789abcdef';
    const server = await start(
      { POS_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), POS_API_KEYS: `store-1:${key}` },
      'real',
    );
    try {
      expect((await apiClient(server.url)('GET', '/api/integrations/square/status')).status).toBe(401);
      expect(
        (await apiClient(server.url, { token: DEMO_API_KEY })('GET', '/api/integrations/square/status')).status,
      ).toBe(401);
      const status = await apiClient(server.url, { token: key })('GET', '/api/integrations/square/status');
      expect(status.body).toMatchObject({ provider: 'square', connected: false });
      expect((await fetch(`${server.url}/demo/square/v2/locations`)).status).toBe(404);
      expect((await fetch(`${server.url}/demo/supabase/rest/v1/`)).status).toBe(404);
      const html = await (await fetch(`${server.url}/`)).text();
      expect(html).toContain('<pos-integrations>');
      expect(html).toContain('<pos-data-manager>');
      // No Stripe configured, so no card payments: no checkout button.
      expect(html).not.toContain('<pos-stripe-checkout-button');
      expect(html).not.toContain(key);
      expect(html).not.toContain(DEMO_API_KEY);
      expect(html).not.toContain('Demo mode.');
    } finally {
      await server.close();
    }
  });

  it('calls a private project URL only when POS_ALLOWED_PRIVATE_HOSTS lists it', async () => {
    expect(() => readConfig({ POS_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' }, 'demo')).toThrow(/host:port/);
    expect(
      readConfig({ POS_ALLOWED_PRIVATE_HOSTS: ' 127.0.0.1:54321, [::1]:8000 ' }, 'demo').allowedPrivateHosts,
    ).toEqual(['127.0.0.1:54321', '[::1]:8000']);
    // A simulated project on loopback, as a local Supabase would be.
    const project = await listen(express().use(nodeListener(demoSupabase())));
    const key = 'store-1-key-0123456789abcdef';
    const env = { POS_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), POS_API_KEYS: `store-1:${key}` };
    const body = { project_url: project.url, service_key: DEMO_SUPABASE_KEY };
    const closed = await start(env, 'real');
    const open = await start({ ...env, POS_ALLOWED_PRIVATE_HOSTS: new URL(project.url).host }, 'real');
    try {
      const refused = await apiClient(closed.url, { token: key })('POST', '/api/integrations/supabase/credentials', {
        body,
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error_code: 'VALIDATION_FAILED', message: /must use https:\/\// });
      const allowed = await apiClient(open.url, { token: key })('POST', '/api/integrations/supabase/credentials', {
        body,
      });
      expect(allowed.body).toMatchObject({ success: true, status: { connected: true } });
    } finally {
      await closed.close();
      await open.close();
      await project.close();
    }
  });

  it('serves only capabilities in the lite variant', async () => {
    const key = 'store-1-key-0123456789abcdef';
    const server = await start(
      {
        POS_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
        POS_API_KEYS: `store-1:${key}`,
        POS_VARIANT: 'lite',
      },
      'real',
    );
    try {
      const api = apiClient(server.url, { token: key });
      expect((await api('GET', '/api/capabilities')).body).toMatchObject({ build_variant: 'lite' });
      expect((await api('GET', '/api/integrations/square/status')).status).toBe(404);
      const html = await (await fetch(`${server.url}/`)).text();
      for (const tag of ['<pos-integrations', '<pos-data-manager', '<pos-stripe-checkout-button']) {
        expect(html).not.toContain(tag);
      }
      expect(html).toContain('<pos-payment-method-select');
    } finally {
      await server.close();
    }
  });
});

describe('Data Manager', () => {
  it('seeds the demo tenant once, takes uploads, and exports', async () => {
    const dbPath = join(dir, `dm-${Math.random()}.db`);
    const config = readConfig({ PORT: '0', POS_DB_PATH: dbPath }, 'demo');
    const first = await (await createReferenceServer(config, quiet)).listen();
    try {
      const api = apiClient(first.url, { token: DEMO_API_KEY });
      const batches = await api<Array<{ entity_type: string; record_count: number; status: string }>>(
        'GET',
        '/api/data-manager/batches',
      );
      expect(batches.body.map((batch) => [batch.entity_type, batch.record_count, batch.status])).toEqual([
        ['customers', 25, 'completed'],
        ['products', 25, 'completed'],
      ]);
      const form = new FormData();
      form.append('entity_type', 'products');
      form.append('file', new Blob(['sku,name,price\nDEMO-1,Demo apron,12.50\n']), 'apron.csv');
      expect((await api('POST', '/api/data-manager/upload', { form })).body).toMatchObject({
        status: 'completed',
        record_count: 1,
      });
      const exported = await api('GET', '/api/data-manager/export?entity_type=products');
      expect(exported.text).toContain('DEMO-1,Demo apron,12.50,USD');
      expect((await api('GET', '/api/capabilities')).body).toMatchObject({ features: { data_manager: true } });
    } finally {
      await first.close();
    }
    const again = await (await createReferenceServer(config, quiet)).listen();
    try {
      const listed = await apiClient(again.url, { token: DEMO_API_KEY })<unknown[]>('GET', '/api/data-manager/batches');
      expect(listed.body).toHaveLength(3);
    } finally {
      await again.close();
    }
  });

  it('fails, at start, a batch that a crash left processing', async () => {
    const dbPath = join(dir, `crash-${Math.random()}.db`);
    const env = {
      PORT: '0',
      POS_DB_PATH: dbPath,
      POS_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      POS_API_KEYS: 'store-1:store-1-key-0123456789abcdef',
    };
    const crashed = await createReferenceServer(readConfig(env, 'real'), quiet);
    // What a process that died mid-import leaves behind: a processing batch with an old heartbeat.
    await crashed.integrations.storage.batches.insert({
      id: '01900000-0000-7000-8000-00000000c0de',
      tenantId: 'store-1',
      type: 'upload',
      entityType: 'products',
      status: 'processing',
      preset: null,
      totalBytes: 1000,
      targetBatchId: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      heartbeatAt: '2026-01-01T00:00:00.000Z',
    });
    await crashed.integrations.storage.close();

    const restarted = await (await createReferenceServer(readConfig(env, 'real'), quiet)).listen();
    try {
      const batch = await apiClient(restarted.url, { token: 'store-1-key-0123456789abcdef' })(
        'GET',
        '/api/data-manager/batches/01900000-0000-7000-8000-00000000c0de',
      );
      expect(batch.body).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/stopped/) });
    } finally {
      await restarted.close();
    }
  });
});
