import { z } from 'zod';
import type {
  ApiKeyConnector,
  CheckoutEvent,
  CheckoutSessionRequest,
  CheckoutSessionSnapshot,
} from '../src/connector.js';
import { IntegrationError } from '../src/index.js';

/** A checkout provider in memory: sessions by id, creates that can be held open or fail. */
export class MemoryCheckout {
  readonly sessions = new Map<string, CheckoutSessionSnapshot & { request: CheckoutSessionRequest }>();
  readonly byKey = new Map<string, string>();
  creates = 0;
  hold: Promise<void> | undefined;
  fail: IntegrationError | undefined;

  connector(): ApiKeyConnector<{ account: string }, { token: string }, { account: string }> {
    return {
      id: 'payco',
      displayName: 'PayCo',
      kind: 'api_key',
      notConnectedCode: 'PAYCO_NOT_CONNECTED',
      credentialsSchema: z.object({ account: z.string() }),
      credentialFields: [{ name: 'account', label: 'Account', secret: false, required: true }],
      verify: async ({ account }) => ({ secret: { token: 'payco-token-0123456789' }, publicData: { account } }),
      summary: async () => ({}),
      test: async () => ({ message: 'ok' }),
      checkout: {
        sessionLifetimeMs: 60 * 60_000,
        webhook: { signatureHeader: 'x-test-signature', maxBodyBytes: 64 * 1024 },
        account: ({ publicData }) => publicData.account,
        createSession: async (request) => {
          this.creates += 1;
          await this.hold;
          if (this.fail) throw this.fail;
          const known = this.byKey.get(request.idempotencyKey);
          if (known) return this.sessions.get(known) as CheckoutSessionSnapshot;
          const id = `ps_${this.sessions.size + 1}`;
          const session = {
            id,
            url: `https://pay.example/${id}`,
            expiresAt: request.expiresAt,
            status: 'open' as const,
            paymentStatus: 'unpaid' as const,
            paymentRef: null,
            request,
          };
          this.sessions.set(id, session);
          this.byKey.set(request.idempotencyKey, id);
          return session;
        },
        retrieveSession: async (id) => this.sessions.get(id) as CheckoutSessionSnapshot,
        expireSession: async (id) =>
          Object.assign(this.sessions.get(id) as CheckoutSessionSnapshot, { status: 'expired' as const }),
        createRefund: () => Promise.reject(new IntegrationError('PROVIDER_UNAVAILABLE', 'Not used by this test.')),
        // The "signature" is the body's first line; the rest is the event as JSON.
        verifyWebhook: ({ body, signature }) => {
          if (signature !== 'valid') throw new IntegrationError('WEBHOOK_SIGNATURE_INVALID', 'bad signature');
          return JSON.parse(Buffer.from(body).toString('utf8')) as CheckoutEvent;
        },
        tenantsForAccount: async () => [],
      },
    };
  }
}
