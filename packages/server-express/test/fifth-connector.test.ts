/**
 * A connector core has never heard of, written the way docs/architecture.md ("Adding a
 * connector") says, plugs in: its routes are mounted, `GET /api/capabilities` turns on
 * `integrations` and a flag of its own, and the seed's fixed flags stay listed.
 */
import { square } from '@pos/connector-square';
import { createIntegrations, createKeyRing, IntegrationError } from '@pos/integrations-core';
import { type ApiKeyConnector, declareErrorCodes } from '@pos/integrations-core/connector';
import { createSqliteStorage } from '@pos/storage-sqlite';
import { SQUARE_LOCATION_ID, SQUARE_TOKEN, squareHandlers, TEST_KEY_A, useProviderMock } from '@pos/test-support';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer } from './harness.js';

const STATUS_URL = 'https://api.example-pos.com/v1/me';
const GOOD_KEY = 'ex_live_0123456789abcdefghij';

const schema = z.object({ api_key: z.string().min(20) }).strict();

const exampleErrors = declareErrorCodes({
  EXAMPLE_INVALID_KEY: { status: 400, meaning: 'Example POS refused the API key' },
});

function examplePos(): ApiKeyConnector<z.output<typeof schema>, { api_key: string }, { account: string }> {
  async function me(apiKey: string) {
    const response = await fetch(STATUS_URL, { headers: { authorization: `Bearer ${apiKey}` } });
    if (response.status === 401) throw exampleErrors.error('EXAMPLE_INVALID_KEY', 'The API key was rejected.');
    if (!response.ok) throw new IntegrationError('PROVIDER_UNAVAILABLE', `Example POS answered ${response.status}.`);
    return (await response.json()) as { account: string; name: string };
  }
  return {
    id: 'example',
    displayName: 'Example POS',
    kind: 'api_key',
    errorCodes: exampleErrors.table,
    credentialsSchema: schema,
    credentialFields: [{ name: 'api_key', label: 'API key', secret: true, required: true }],
    async verify({ api_key }) {
      const account = await me(api_key);
      return { secret: { api_key }, publicData: { account: account.account } };
    },
    async summary({ secret }) {
      const account = await me(secret.api_key);
      return { account_name: account.name };
    },
    async test({ secret }) {
      await me(secret.api_key);
      return { message: 'Example POS answered.' };
    },
  };
}

useProviderMock(
  ...squareHandlers(),
  http.get(STATUS_URL, ({ request }) =>
    request.headers.get('authorization') === `Bearer ${GOOD_KEY}`
      ? HttpResponse.json({ account: 'acc_42', name: 'Corner Shop' })
      : HttpResponse.json({ error: 'unauthorized' }, { status: 401 }),
  ),
);

type Features = Record<string, boolean>;

describe('a fifth connector written from docs/architecture.md', () => {
  it('turns on integrations and its own flag; the seed flags stay listed, off, and first', async () => {
    const server = await startTestServer({ connectors: [examplePos()] });
    try {
      const capabilities = await server.anonymous<{ features: Features }>('GET', '/api/capabilities');
      expect(capabilities.status).toBe(200);
      expect(capabilities.body.features).toEqual({
        manual_payments: true,
        export: true,
        sync: false,
        integrations: true,
        payments: false,
        stripe: false,
        square: false,
        clover: false,
        supabase: false,
        woocommerce: false,
        quickbooks: false,
        data_manager: true,
        example: true,
      });
      expect(Object.keys(capabilities.body.features).at(-1)).toBe('example');
      expect(server.integrations.errorCodes.declared('EXAMPLE_INVALID_KEY')).toEqual({
        status: 400,
        meaning: 'Example POS refused the API key',
        provider: 'example',
      });
    } finally {
      await server.close();
    }
  });

  it('is listed, connects, tests and summarises over HTTP; a rejected key is its own 400', async () => {
    const server = await startTestServer({ connectors: [examplePos()] });
    try {
      const api = server.as('tenant-a');
      expect((await api('GET', '/api/integrations')).body).toMatchObject({
        integrations: [{ id: 'example', kind: 'api_key', name: 'Example POS' }],
      });
      const refused = await api('POST', '/api/integrations/example/credentials', {
        body: { api_key: 'ex_live_wrong_0123456789abc' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ success: false, error_code: 'EXAMPLE_INVALID_KEY' });
      const connected = await api('POST', '/api/integrations/example/credentials', { body: { api_key: GOOD_KEY } });
      expect(connected.status).toBe(200);
      expect(connected.body).toMatchObject({ success: true, status: { connected: true, status: 'connected' } });
      expect((await api('POST', '/api/integrations/example/test')).body).toMatchObject({
        success: true,
        message: 'Example POS answered.',
      });
      expect((await api('GET', '/api/integrations/example/summary')).body).toMatchObject({
        account_name: 'Corner Shop',
      });
    } finally {
      await server.close();
    }
  });

  it('sits beside a seed connector, each with its flag', async () => {
    const server = await startTestServer({ connectors: [square(), examplePos()] });
    try {
      const capabilities = await server.anonymous<{ features: Features }>('GET', '/api/capabilities');
      expect(capabilities.body.features).toMatchObject({
        integrations: true,
        square: true,
        example: true,
        stripe: false,
      });
      const connected = await server.as('tenant-a')('POST', '/api/integrations/square/credentials', {
        body: { access_token: SQUARE_TOKEN, location_id: SQUARE_LOCATION_ID },
      });
      expect(connected.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('declares flags of its own choosing; a name that is no flag is refused at start', async () => {
    const server = await startTestServer({ connectors: [{ ...examplePos(), features: ['example', 'loyalty'] }] });
    try {
      const capabilities = await server.anonymous<{ features: Features }>('GET', '/api/capabilities');
      expect(capabilities.body.features).toMatchObject({ integrations: true, example: true, loyalty: true });
    } finally {
      await server.close();
    }
    const storage = await createSqliteStorage({ filename: ':memory:' });
    try {
      expect(() =>
        createIntegrations({
          storage,
          cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
          connectors: [{ ...examplePos(), features: ['Loyalty Points'] }],
        }),
      ).toThrow(/declares the feature "Loyalty Points"/);
    } finally {
      await storage.close();
    }
  });
});
