import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStorage, type SqliteStorage } from '@pos/storage-sqlite';
import { ManualClock, TEST_KEY_A } from '@pos/test-support';
import { z } from 'zod';
import type { ApiKeyConnector, CheckoutEvent, CheckoutSessionSnapshot, JsonObject } from '../src/connector.js';
import {
  type CreateIntegrationsOptions,
  createIntegrations,
  createKeyRing,
  IntegrationError,
  type Integrations,
} from '../src/index.js';

/** The secrets the fixtures' connectors hold: none may appear in an event, a log row or a delivery. */
export const FIXTURE_SECRETS = ['payco-token-0123456789', 'hub-secret-key-0123456789', 'flaky-key-0123456789'];

/** A checkout provider in memory that opens one session per request. */
export function payco(): ApiKeyConnector<{ account: string }, { token: string }, { account: string }> {
  const sessions = new Map<string, CheckoutSessionSnapshot>();
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
      webhook: { signatureHeader: 'x-test-signature', maxBodyBytes: 64 * 1024 },
      account: ({ publicData }) => publicData.account,
      createSession: async (request) => {
        const id = `ps_${sessions.size + 1}`;
        const session = { id, url: `https://pay.example/${id}`, expiresAt: request.expiresAt, status: 'open' as const };
        sessions.set(id, { ...session, paymentStatus: 'unpaid' });
        return sessions.get(id) as CheckoutSessionSnapshot;
      },
      retrieveSession: async (id) => sessions.get(id) as CheckoutSessionSnapshot,
      expireSession: async (id) => ({ ...(sessions.get(id) as CheckoutSessionSnapshot), status: 'expired' }),
      verifyWebhook: ({ body }) => JSON.parse(Buffer.from(body).toString('utf8')) as CheckoutEvent,
      tenantsForAccount: async () => [],
    },
  };
}

/** A sync target whose pushes fail while `down` is set. */
export function hub(state: { down: boolean }): ApiKeyConnector<{ url: string }, { key: string }, { url: string }> {
  const unavailable = () => {
    if (state.down) throw new IntegrationError('PROVIDER_UNAVAILABLE', 'Hub is down for maintenance.');
  };
  return {
    id: 'hub',
    displayName: 'Hub',
    kind: 'api_key',
    credentialsSchema: z.object({ url: z.string() }),
    credentialFields: [{ name: 'url', label: 'URL', secret: false, required: true }],
    verify: async ({ url }) => ({ secret: { key: 'hub-secret-key-0123456789' }, publicData: { url } }),
    summary: async () => ({}),
    test: async () => ({ message: 'ok' }),
    sync: {
      entities: { payments: { table: 'pos_payments', key: ['order_id'] } },
      open: () => ({ upsert: async () => unavailable(), delete: async () => unavailable() }),
    },
  };
}

/** A connector whose connection test says the key was revoked. */
export function flaky(): ApiKeyConnector<{ name: string }, { key: string }, JsonObject> {
  return {
    id: 'flaky',
    displayName: 'Flaky',
    kind: 'api_key',
    credentialsSchema: z.object({ name: z.string() }),
    credentialFields: [{ name: 'name', label: 'Name', secret: false, required: true }],
    verify: async () => ({ secret: { key: 'flaky-key-0123456789' }, publicData: {} }),
    summary: async () => ({}),
    test: async () => {
      throw new IntegrationError('PROVIDER_REJECTED', 'Flaky revoked the key flaky-key-0123456789.', {
        needsReconnect: true,
      });
    },
  };
}

/** A checkout webhook event of the in-memory provider for one order's session. */
export function sessionEvent(
  id: string,
  outcome: 'completed_paid' | 'async_failed' | 'expired',
  session: { id: string | null; orderId: string; amount: number },
  at: string,
): { body: Buffer; signature: string } {
  const types = {
    completed_paid: 'checkout.session.completed',
    async_failed: 'checkout.session.async_payment_failed',
    expired: 'checkout.session.expired',
  };
  const event = {
    kind: 'session',
    id,
    type: types[outcome],
    account: 'acct_a',
    createdAt: at,
    outcome,
    session: {
      id: session.id,
      metadata: { tenant_id: 'tenant-a', order_id: session.orderId },
      clientReferenceId: session.orderId,
      amountTotal: session.amount,
      currency: 'usd',
    },
  };
  return { body: Buffer.from(JSON.stringify(event)), signature: 'valid' };
}

export interface EventHarness {
  clock: ManualClock;
  hubState: { down: boolean };
  /** The SQLite file every instance opens. */
  dbPath: string;
  /** Opens an instance on the harness's database file (several share it, like servers). */
  open(options?: Partial<CreateIntegrationsOptions>): Promise<{ integrations: Integrations; storage: SqliteStorage }>;
  close(): Promise<void>;
}

export function eventHarness(): EventHarness {
  const dir = mkdtempSync(join(tmpdir(), 'pos-events-'));
  const clock = new ManualClock();
  const hubState = { down: false };
  const opened: Integrations[] = [];
  return {
    clock,
    hubState,
    dbPath: join(dir, 'pos.db'),
    async open(options = {}) {
      const storage = await createSqliteStorage({ filename: join(dir, 'pos.db') });
      const integrations = createIntegrations({
        storage,
        cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
        connectors: [payco(), hub(hubState), flaky()],
        clock,
        ...options,
      });
      opened.push(integrations);
      return { integrations, storage };
    },
    async close() {
      for (const integrations of opened.splice(0)) await integrations.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
