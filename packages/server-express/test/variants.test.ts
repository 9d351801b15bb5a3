import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIntegrations, createKeyRing, type Integrations, type Variant } from '@pos/integrations-core';
import { createSqliteStorage } from '@pos/storage-sqlite';
import { apiClient, listen, TEST_KEY_A } from '@pos/test-support';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as exportBuild from '../src/export.js';
import * as fullBuild from '../src/full.js';
import * as liteBuild from '../src/lite.js';

const KEY = 'variant-key-0123456789abcdef';
const builds = { lite: liteBuild, export: exportBuild, full: fullBuild } as const;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-variants-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function instance(variant: Variant): Promise<Integrations> {
  return createIntegrations({
    storage: await createSqliteStorage({ filename: join(dir, `${variant}-${Math.random()}.db`) }),
    cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
    variant,
  });
}

async function serve(build: keyof typeof builds, integrations: Integrations) {
  const app = express();
  app.use(
    builds[build].integrationsRouter(integrations, {
      resolveTenant: (req) => (req.get('authorization') === `Bearer ${KEY}` ? 'store-1' : undefined),
    }),
  );
  const server = await listen(app);
  return { api: apiClient(server.url, { token: KEY }), close: () => server.close() };
}

const SEED = ['POST', '/api/data-manager/seed', { body: { entity_type: 'products', count: 1 } }] as const;

describe('variant entry points', () => {
  it('lite mounts capabilities only; every other SDK route is a 404 error body', async () => {
    const integrations = await instance('lite');
    const { api, close } = await serve('lite', integrations);
    try {
      const capabilities = await api('GET', '/api/capabilities');
      expect(capabilities.body).toMatchObject({ build_variant: 'lite', features: { export: false } });
      for (const path of ['/api/data-manager/export?entity_type=products', '/api/integrations', '/api/payments']) {
        const response = await api('GET', path);
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({ success: false, error_code: 'NOT_FOUND' });
      }
    } finally {
      await close();
      await integrations.close();
    }
  });

  it('export adds the CSV export behind the API key, and nothing else', async () => {
    const integrations = await instance('export');
    const { api, close } = await serve('export', integrations);
    try {
      expect((await api('GET', '/api/capabilities')).body).toMatchObject({
        build_variant: 'export',
        features: { export: true, data_manager: false, integrations: false },
      });
      const csv = await api('GET', '/api/data-manager/export?entity_type=products');
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(csv.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
        'sku,name,price,currency,category,stock,barcode,description',
      );
      expect((await api('GET', '/api/data-manager/export?entity_type=products', { token: 'wrong' })).status).toBe(401);
      expect((await api(...SEED)).status).toBe(404);
      expect((await api('GET', '/api/data-manager/batches')).status).toBe(404);
    } finally {
      await close();
      await integrations.close();
    }
  });

  it('full serves every variant, mounting per the instance', async () => {
    for (const [variant, exported, seeded] of [
      ['lite', 404, 404],
      ['export', 200, 404],
      ['full', 200, 201],
    ] as const) {
      const integrations = await instance(variant);
      const { api, close } = await serve('full', integrations);
      try {
        expect((await api('GET', '/api/data-manager/export?entity_type=products')).status).toBe(exported);
        expect((await api(...SEED)).status).toBe(seeded);
      } finally {
        await close();
        await integrations.close();
      }
    }
  });

  it('a smaller build refuses a larger variant, whose capabilities it could not serve', async () => {
    for (const [build, variant] of [
      ['lite', 'export'],
      ['lite', 'full'],
      ['export', 'full'],
    ] as const) {
      const integrations = await instance(variant);
      try {
        expect(() => builds[build].integrationsRouter(integrations, { resolveTenant: () => 'x' })).toThrow(
          `import integrationsRouter from @pos/server-express/${variant}`,
        );
      } finally {
        await integrations.close();
      }
    }
  });
});
