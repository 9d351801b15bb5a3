/**
 * A connector core has never heard of, written the way docs/architecture.md ("Adding a
 * connector") says (test/fixtures/example-pos.ts), plugs in: `GET /api/capabilities` turns on
 * `integrations` and a flag of its own, and the seed's fixed flags stay listed. Its flows over
 * HTTP are the connector conformance suite's (conformance-connectors.test.ts).
 */
import { square } from '@pos/connector-square';
import { createIntegrations, createKeyRing } from '@pos/integrations-core';
import { createSqliteStorage } from '@pos/storage-sqlite';
import { SQUARE_LOCATION_ID, SQUARE_TOKEN, squareHandlers, TEST_KEY_A, useProviderMock } from '@pos/test-support';
import { describe, expect, it } from 'vitest';
import { examplePos } from '../../../test/fixtures/example-pos.js';
import { examplePosSimulation } from '../../../test/fixtures/example-pos-simulator.js';
import { startTestServer } from './harness.js';

useProviderMock(...squareHandlers(), ...examplePosSimulation().handlers);

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
