import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogger, createReferenceServer, DEMO_API_KEY, readConfig } from '../src/index.js';

const MIB = 1024 * 1024;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-reference-limits-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('per-tenant limits from the environment', () => {
  it('has the documented defaults', () => {
    expect(readConfig({}, 'demo')).toMatchObject({
      limits: {
        batchesPerTenant: 2,
        batchesTotal: 8,
        uploadBytesPerTenant: 512 * MIB,
        oauthStatesPerTenant: 20,
        checkoutsPerMinute: 60,
      },
      syncPool: { concurrency: 4, tenantBudgetMs: 60_000 },
    });
    // The upload bytes in flight hold at least one upload of the largest size.
    expect(readConfig({ POS_UPLOAD_MAX_MB: '1024' }, 'demo').limits.uploadBytesPerTenant).toBe(1024 * MIB);
  });

  it('reads each variable, and refuses values that are not whole numbers in range', () => {
    const config = readConfig(
      {
        POS_MAX_BATCHES_PER_TENANT: '1',
        POS_MAX_BATCHES_TOTAL: '3',
        POS_MAX_UPLOAD_MB_PER_TENANT: '300',
        POS_MAX_OAUTH_STATES_PER_TENANT: '5',
        POS_CHECKOUT_RATE_PER_MINUTE: '10',
        POS_SYNC_CONCURRENCY: '2',
        POS_SYNC_TENANT_BUDGET_MS: '5000',
      },
      'demo',
    );
    expect(config.limits).toEqual({
      batchesPerTenant: 1,
      batchesTotal: 3,
      uploadBytesPerTenant: 300 * MIB,
      oauthStatesPerTenant: 5,
      checkoutsPerMinute: 10,
    });
    expect(config.syncPool).toEqual({ concurrency: 2, tenantBudgetMs: 5000 });
    for (const [name, value] of [
      ['POS_MAX_BATCHES_PER_TENANT', '0'],
      ['POS_MAX_BATCHES_TOTAL', 'many'],
      ['POS_MAX_OAUTH_STATES_PER_TENANT', '2.5'],
      ['POS_CHECKOUT_RATE_PER_MINUTE', '-1'],
      ['POS_SYNC_CONCURRENCY', '0'],
      ['POS_SYNC_TENANT_BUDGET_MS', '10'],
    ] as const) {
      expect(() => readConfig({ [name]: value }, 'demo')).toThrow(new RegExp(`${name} must be a whole number`));
    }
    expect(() => readConfig({ POS_MAX_BATCHES_PER_TENANT: '9' }, 'demo')).toThrow(/cannot be more than/);
    expect(() => readConfig({ POS_MAX_UPLOAD_MB_PER_TENANT: '100' }, 'demo')).toThrow(
      /must be at least POS_UPLOAD_MAX_MB \(200\)/,
    );
  });

  it('answers 429 with Retry-After once a tenant holds POS_MAX_OAUTH_STATES_PER_TENANT open links', async () => {
    const config = readConfig(
      { PORT: '0', POS_DB_PATH: join(dir, 'demo.db'), POS_MAX_OAUTH_STATES_PER_TENANT: '2' },
      'demo',
    );
    const server = await (
      await createReferenceServer(
        config,
        consoleLogger(() => {}),
      )
    ).listen();
    try {
      const api = apiClient(server.url, { token: DEMO_API_KEY });
      expect((await api('POST', '/api/integrations/stripe/auth-url')).status).toBe(200);
      expect((await api('POST', '/api/integrations/clover/auth-url')).status).toBe(200);
      const refused = await api('POST', '/api/integrations/stripe/auth-url');
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ error_code: 'RATE_LIMITED', details: { limit: 'oauth_states_per_tenant' } });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(500);
    } finally {
      await server.close();
    }
  });
});
