/**
 * The webhook route follows the checkout capability: a provider that signs in its own header and
 * sends small bodies gets exactly that header read and that limit enforced, over real HTTP.
 */

import { IntegrationError } from '@pos/integrations-core';
import type { ApiKeyConnector, CheckoutEvent } from '@pos/integrations-core/connector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from './harness.js';

const MAX_BODY_BYTES = 2048;

/** A checkout provider that signs with `X-PayCo-Signature: valid` and never sends more than 2 kB. */
function payco(): ApiKeyConnector<{ account: string }, { token: string }, { account: string }> {
  const unused = () => Promise.reject(new IntegrationError('PROVIDER_UNAVAILABLE', 'Not used by this test.'));
  return {
    id: 'payco',
    displayName: 'PayCo',
    kind: 'api_key',
    credentialsSchema: z.object({ account: z.string() }),
    credentialFields: [{ name: 'account', label: 'Account', secret: false, required: true }],
    verify: async ({ account }) => ({ secret: { token: 'payco-token-0123456789' }, publicData: { account } }),
    summary: async () => ({}),
    test: async () => ({ message: 'ok' }),
    checkout: {
      sessionLifetimeMs: 60 * 60_000,
      webhook: { signatureHeader: 'X-PayCo-Signature', maxBodyBytes: MAX_BODY_BYTES },
      account: ({ publicData }) => publicData.account,
      createSession: unused,
      retrieveSession: unused,
      expireSession: unused,
      createRefund: unused,
      verifyWebhook: ({ body, signature }) => {
        if (signature !== 'valid') {
          throw new IntegrationError('WEBHOOK_SIGNATURE_INVALID', 'The PayCo signature is missing or wrong.', {
            details: { reason: signature === undefined ? 'missing_header' : 'no_match' },
          });
        }
        return JSON.parse(Buffer.from(body).toString('utf8')) as CheckoutEvent;
      },
      tenantsForAccount: async () => [],
    },
  };
}

const event = (id: string): CheckoutEvent => ({
  id,
  type: 'payco.ping',
  account: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  kind: 'ignored',
  reason: 'unhandled_type',
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ connectors: [payco()] });
});
afterAll(() => server.close());

describe("the webhook route takes the checkout capability's rules", () => {
  it('reads the signature from the header the capability names, whatever its case', async () => {
    const signed = await server.anonymous('POST', '/api/payments/webhooks/payco', {
      body: JSON.stringify(event('evt_1')),
      headers: { 'x-payco-signature': 'valid' },
    });
    expect(signed.status).toBe(200);
    expect(signed.body).toEqual({ received: true, duplicate: false, outcome: 'ignored' });
    // Stripe's header means nothing to this provider.
    const other = await server.anonymous('POST', '/api/payments/webhooks/payco', {
      body: JSON.stringify(event('evt_2')),
      headers: { 'stripe-signature': 'valid' },
    });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ success: false, error_code: 'WEBHOOK_SIGNATURE_INVALID' });
  });

  it('refuses a body over the limit the capability declares, and takes one at the limit', async () => {
    const base = JSON.stringify(event('evt_3'));
    const padded = (size: number) => `${base}${' '.repeat(size - Buffer.byteLength(base))}`;
    const over = await server.anonymous('POST', '/api/payments/webhooks/payco', {
      body: padded(MAX_BODY_BYTES + 1),
      headers: { 'x-payco-signature': 'valid' },
    });
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({
      success: false,
      error_code: 'PAYLOAD_TOO_LARGE',
      message: 'The webhook body is larger than 2048 bytes.',
    });
    const atLimit = await server.anonymous('POST', '/api/payments/webhooks/payco', {
      body: padded(MAX_BODY_BYTES),
      headers: { 'x-payco-signature': 'valid' },
    });
    expect(atLimit.status).toBe(200);
  });
});
