import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  consoleLogger,
  createReferenceServer,
  DEMO_API_KEY,
  DEMO_SQUARE_LOCATION,
  DEMO_SQUARE_TOKEN,
  type RunningServer,
  readConfig,
} from '../src/index.js';

const quiet = consoleLogger(() => {});
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-reference-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(env: Record<string, string>, mode: 'demo' | 'real'): Promise<RunningServer> {
  const config = readConfig({ PORT: '0', POS_DB_PATH: join(dir, `${mode}-${Math.random()}.db`), ...env }, mode);
  return (await createReferenceServer(config, quiet)).listen();
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
    } finally {
      await server.close();
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
