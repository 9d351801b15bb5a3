import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStorage, type SqliteStorage } from '@pos/storage-sqlite';
import { ManualClock, TEST_KEY_A } from '@pos/test-support';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type ApiKeyConnector,
  type CheckoutEvent,
  type CheckoutSessionRequest,
  type CheckoutSessionSnapshot,
  checkoutIdempotencyKey,
  type JsonObject,
  type SessionOutcome,
  type SyncTarget,
} from '../src/connector.js';
import { createIntegrations, createKeyRing, IntegrationError, type Integrations } from '../src/index.js';
import { nextState } from '../src/payments/state.js';

const OUTCOMES: SessionOutcome[] = ['completed_paid', 'completed_unpaid', 'async_succeeded', 'async_failed', 'expired'];

describe('the payment state machine', () => {
  it('ends in the same state for any order of the same events, and paid is terminal', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...OUTCOMES), { maxLength: 10 }), fc.nat(), (outcomes, seed) => {
        const fold = (list: SessionOutcome[]) =>
          list.reduce((state, outcome) => nextState(state, outcome), {
            status: 'pending' as const,
            sessionStatus: 'open' as const,
          } as ReturnType<typeof nextState>);
        const shuffled = [...outcomes].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7));
        expect(fold(shuffled)).toEqual(fold(outcomes));
        expect(fold([...outcomes, ...outcomes])).toEqual(fold(outcomes));
        if (outcomes.some((outcome) => outcome === 'completed_paid' || outcome === 'async_succeeded')) {
          expect(fold(outcomes).status).toBe('paid');
        }
      }),
    );
    expect(nextState({ status: 'paid', sessionStatus: 'complete' }, 'expired')).toEqual({
      status: 'paid',
      sessionStatus: 'complete',
    });
    expect(nextState({ status: 'pending', sessionStatus: 'open' }, 'completed_unpaid')).toEqual({
      status: 'pending',
      sessionStatus: 'complete',
    });
    expect(nextState({ status: 'failed', sessionStatus: 'complete' }, 'completed_unpaid').status).toBe('failed');
  });

  it('derives one idempotency key per tenant, order and attempt', () => {
    const key = checkoutIdempotencyKey('tenant-a', 'order-1', 1);
    expect(key).toBe(checkoutIdempotencyKey('tenant-a', 'order-1', 1));
    expect(key).not.toBe(checkoutIdempotencyKey('tenant-a', 'order-1', 2));
    expect(key).not.toBe(checkoutIdempotencyKey('tenant-b', 'order-1', 1));
    expect(key.length).toBeLessThanOrEqual(255);
  });
});

/** A checkout provider in memory: sessions by id, creates that can be held open or fail. */
class MemoryCheckout {
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

class MemoryHub implements SyncTarget {
  readonly rows = new Map<string, JsonObject>();
  async upsert(_table: string, _conflict: readonly string[], rows: readonly JsonObject[]) {
    for (const row of rows) this.rows.set(String(row.order_id), row);
  }
  async delete() {}
}

function hub(target: MemoryHub): ApiKeyConnector<{ url: string }, { key: string }, { url: string }> {
  return {
    id: 'hub',
    displayName: 'Hub',
    kind: 'api_key',
    credentialsSchema: z.object({ url: z.string() }),
    credentialFields: [{ name: 'url', label: 'URL', secret: false, required: true }],
    verify: async ({ url }) => ({ secret: { key: 'hub-secret-key-0123456789' }, publicData: { url } }),
    summary: async () => ({}),
    test: async () => ({ message: 'ok' }),
    sync: { entities: { payments: { table: 'pos_payments', key: ['order_id'] } }, open: () => target },
  };
}

describe('payments in core', () => {
  let dir: string;
  let clock: ManualClock;
  let checkout: MemoryCheckout;
  let target: MemoryHub;
  const opened: Integrations[] = [];

  async function instance(): Promise<{ integrations: Integrations; storage: SqliteStorage }> {
    const storage = await createSqliteStorage({ filename: join(dir, 'pos.db') });
    const integrations = createIntegrations({
      storage,
      cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
      connectors: [checkout.connector(), hub(target)],
      clock,
      payments: { claimTtlMs: 30_000, wait: () => new Promise((resolve) => setTimeout(resolve, 2)) },
    });
    opened.push(integrations);
    return { integrations, storage };
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pos-payments-'));
    clock = new ManualClock();
    checkout = new MemoryCheckout();
    target = new MemoryHub();
  });
  afterEach(async () => {
    for (const integrations of opened.splice(0)) await integrations.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const webhook = (event: object) => ({ body: Buffer.from(JSON.stringify(event)), signature: 'valid' });

  it('queues every payment change for the sync target in the same transaction', async () => {
    const { integrations } = await instance();
    const payments = integrations.payments;
    if (!payments) throw new Error('payments expected');
    expect(integrations.capabilities().features.payments).toBe(true);
    await integrations.connect('tenant-a', 'payco', { account: 'acct_a' });
    await integrations.connect('tenant-a', 'hub', { url: 'https://hub.example' });

    const created = await payments.createCheckoutSession('tenant-a', { order_id: 'O-1', amount: 990, currency: 'usd' });
    await payments.handleWebhook(
      webhook({
        kind: 'session',
        id: 'evt_1',
        type: 'checkout.session.completed',
        account: 'acct_a',
        createdAt: clock.now().toISOString(),
        outcome: 'completed_paid',
        session: {
          id: created.session_id,
          metadata: { tenant_id: 'tenant-a', order_id: 'O-1' },
          clientReferenceId: 'O-1',
          amountTotal: 990,
          currency: 'usd',
        },
      }),
    );
    await integrations.sync.flush('tenant-a');
    expect(target.rows.get('O-1')).toMatchObject({
      tenant_id: 'tenant-a',
      order_id: 'O-1',
      id: created.payment_id,
      provider: 'payco',
      provider_ref: created.session_id,
      amount: 990,
      currency: 'usd',
      status: 'paid',
      attempt: 1,
    });
  });

  it('leaves no trace of a webhook whose application failed, so the retry applies it', async () => {
    const { integrations, storage } = await instance();
    const payments = integrations.payments;
    if (!payments) throw new Error('payments expected');
    await integrations.connect('tenant-a', 'payco', { account: 'acct_a' });
    const created = await payments.createCheckoutSession('tenant-a', { order_id: 'O-2', amount: 990, currency: 'usd' });
    const event = {
      kind: 'session',
      id: 'evt_2',
      type: 'checkout.session.expired',
      account: 'acct_a',
      createdAt: clock.now().toISOString(),
      outcome: 'expired',
      session: {
        id: created.session_id,
        metadata: { tenant_id: 'tenant-a', order_id: 'O-2' },
        clientReferenceId: null,
        amountTotal: 990,
        currency: 'usd',
      },
    };
    const update = storage.payments.update.bind(storage.payments);
    storage.payments.update = async () => {
      throw new Error('disk full');
    };
    // The transaction hands out stores of its own: break those too.
    const transaction = storage.transaction.bind(storage);
    storage.transaction = (work) =>
      transaction((tx) => {
        tx.payments.update = async () => {
          throw new Error('disk full');
        };
        return work(tx);
      });
    await expect(payments.handleWebhook(webhook(event))).rejects.toThrow('disk full');
    storage.payments.update = update;
    storage.transaction = transaction;
    expect(await storage.webhookEvents.get('evt_2')).toBeUndefined();
    expect(await payments.handleWebhook(webhook(event))).toMatchObject({ outcome: 'applied' });
    expect((await payments.get('tenant-a', 'O-2')).status).toBe('expired');
  });

  it('lets two instances on one database create one session, and takes over a claim whose holder vanished', async () => {
    const [a, b] = [await instance(), await instance()];
    await a.integrations.connect('tenant-a', 'payco', { account: 'acct_a' });
    let release: () => void = () => {};
    checkout.hold = new Promise((resolve) => {
      release = resolve;
    });
    const order = { order_id: 'O-3', amount: 500, currency: 'usd' };
    const both = Promise.all([
      a.integrations.payments?.createCheckoutSession('tenant-a', order),
      b.integrations.payments?.createCheckoutSession('tenant-a', order),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    const [fromA, fromB] = await both;
    expect(fromA?.session_id).toBe(fromB?.session_id);
    expect(checkout.creates).toBe(1);

    // A holder that never comes back: its claim runs out and the other instance starts the next attempt.
    checkout.hold = new Promise(() => {});
    const stuck = a.integrations.payments?.createCheckoutSession('tenant-a', { ...order, order_id: 'O-4' });
    stuck?.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    checkout.hold = undefined;
    const waiting = b.integrations.payments?.createCheckoutSession('tenant-a', { ...order, order_id: 'O-4' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    clock.advance(31_000);
    const taken = await waiting;
    expect(taken).toMatchObject({ attempt: 2, status: 'pending' });
    const request = checkout.sessions.get(taken?.session_id as string)?.request;
    expect(request?.idempotencyKey).toBe(checkoutIdempotencyKey('tenant-a', 'O-4', 2));
  });

  it('hands the failure of the request it waited for to every waiter instead of retrying at once', async () => {
    const { integrations } = await instance();
    const payments = integrations.payments;
    if (!payments) throw new Error('payments expected');
    await integrations.connect('tenant-a', 'payco', { account: 'acct_a' });
    let release: () => void = () => {};
    checkout.hold = new Promise((resolve) => {
      release = resolve;
    });
    checkout.fail = new IntegrationError('PROVIDER_UNAVAILABLE', 'PayCo is down', { status: 502 });
    const order = { order_id: 'O-5', amount: 500, currency: 'usd' };
    const calls = Array.from({ length: 5 }, () =>
      payments.createCheckoutSession('tenant-a', order).catch((error) => error),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    release();
    const results = await Promise.all(calls);
    expect(
      results.every((result) => result instanceof IntegrationError && result.code === 'PROVIDER_UNAVAILABLE'),
    ).toBe(true);
    expect(checkout.creates).toBe(1);
  });

  it('is off without a checkout provider, and refuses an order for a tenant that has not connected', async () => {
    const storage = await createSqliteStorage({ filename: ':memory:' });
    const plain = createIntegrations({ storage, cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }) });
    opened.push(plain);
    expect(plain.payments).toBeUndefined();
    expect(plain.capabilities().features.payments).toBe(false);
    const { integrations } = await instance();
    await expect(
      integrations.payments?.createCheckoutSession('tenant-z', { order_id: 'O-6', amount: 5, currency: 'usd' }),
    ).rejects.toMatchObject({ code: 'PAYCO_NOT_CONNECTED' });
  });
});
