import { describe, expect, it } from 'vitest';
import type { PaymentEventEntry, PaymentRecord, PaymentSessionRecord, WebhookEventRecord } from './payments.js';
import type { IntegrationStorage } from './port.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:05:00.000Z';
const T2 = '2026-01-01T00:10:00.000Z';

function payment(
  tenantId: string,
  orderId: string,
  overrides: Partial<PaymentRecord> = {},
): Omit<PaymentRecord, 'version' | 'updatedAt'> {
  return {
    id: `pay-${tenantId}-${orderId}`,
    tenantId,
    orderId,
    provider: 'stripe',
    providerRef: null,
    providerAccount: null,
    checkoutUrl: null,
    amount: 4250,
    currency: 'usd',
    status: 'pending',
    sessionStatus: null,
    attempt: 1,
    expiresAt: T2,
    events: [],
    needsReview: false,
    claimUntil: T1,
    claimToken: 'claim-1',
    lastErrorCode: null,
    paymentRef: null,
    refundedAmount: 0,
    dispute: null,
    createdAt: T0,
    ...overrides,
  };
}

const ENTRY: PaymentEventEntry = {
  event_id: 'evt_1',
  type: 'checkout.session.completed',
  session_id: 'cs_test_1',
  created_at: T0,
  received_at: T1,
  status: 'paid',
  applied: true,
};

function session(
  tenantId: string,
  sessionId: string,
  overrides: Partial<PaymentSessionRecord> = {},
): PaymentSessionRecord {
  return {
    tenantId,
    provider: 'stripe',
    sessionId,
    orderId: 'order-1',
    paymentId: `pay-${tenantId}-order-1`,
    account: 'acct_1',
    attempt: 1,
    amount: 500_000,
    currency: 'usd',
    createdAt: T0,
    ...overrides,
  };
}

function webhookEvent(eventId: string): WebhookEventRecord {
  return {
    eventId,
    provider: 'stripe',
    type: 'checkout.session.completed',
    account: 'acct_1',
    receivedAt: T0,
    processedAt: T0,
  };
}

/** Payments (one per tenant and order, compare-and-swap updates, newest-first pages) and webhook event ids. */
export function describePaymentConformance(storage: () => IntegrationStorage): void {
  describe('payments', () => {
    it('stores one payment per tenant and order and reads it back whole', async () => {
      expect(await storage().payments.insert(payment('tenant-a', 'order-1'))).toBe(true);
      expect(await storage().payments.get('tenant-a', 'order-1')).toEqual({
        ...payment('tenant-a', 'order-1'),
        version: 1,
        updatedAt: T0,
      });
      expect(await storage().payments.insert(payment('tenant-a', 'order-1', { id: 'other', amount: 1 }))).toBe(false);
      expect((await storage().payments.get('tenant-a', 'order-1'))?.amount).toBe(4250);
      // The same order id under another tenant is another payment.
      expect(await storage().payments.insert(payment('tenant-b', 'order-1'))).toBe(true);
      expect(await storage().payments.get('tenant-c', 'order-1')).toBeUndefined();
    });

    it('lets exactly one of several concurrent inserts for one order win', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          storage().payments.insert(payment('tenant-a', 'order-race', { id: `pay-${index}`, amount: index + 1 })),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect((await storage().payments.get('tenant-a', 'order-race'))?.id).toBe(`pay-${winner}`);
    });

    it('keeps amounts beyond 32 bits as exact numbers', async () => {
      await storage().payments.insert(payment('tenant-a', 'order-big', { amount: 12_345_678_901 }));
      expect((await storage().payments.get('tenant-a', 'order-big'))?.amount).toBe(12_345_678_901);
    });

    it('updates only at the expected version, bumping it, and keeps the fields it was not given', async () => {
      await storage().payments.insert(payment('tenant-a', 'order-1'));
      const current = (await storage().payments.get('tenant-a', 'order-1')) as PaymentRecord;
      const updated = await storage().payments.update(
        current,
        {
          providerRef: 'cs_test_1',
          providerAccount: 'acct_1',
          checkoutUrl: 'https://checkout.example/cs_test_1',
          sessionStatus: 'open',
          claimUntil: null,
          claimToken: null,
          events: [ENTRY],
        },
        T1,
      );
      expect(updated).toEqual({
        ...payment('tenant-a', 'order-1'),
        providerRef: 'cs_test_1',
        providerAccount: 'acct_1',
        checkoutUrl: 'https://checkout.example/cs_test_1',
        sessionStatus: 'open',
        claimUntil: null,
        claimToken: null,
        events: [ENTRY],
        version: 2,
        updatedAt: T1,
      });
      expect(await storage().payments.update(current, { status: 'expired' }, T2)).toBeUndefined();
      const otherTenant = { ...(updated as PaymentRecord), tenantId: 'tenant-b' };
      expect(await storage().payments.update(otherTenant, { status: 'expired' }, T2)).toBeUndefined();
      expect(await storage().payments.get('tenant-a', 'order-1')).toEqual(updated);
    });

    it('lets exactly one of several concurrent updates at one version win', async () => {
      await storage().payments.insert(payment('tenant-a', 'order-1'));
      const current = (await storage().payments.get('tenant-a', 'order-1')) as PaymentRecord;
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          storage().payments.update(current, { claimToken: `claim-${index}` }, T1),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const row = await storage().payments.get('tenant-a', 'order-1');
      expect(row?.version).toBe(2);
      expect(results.find(Boolean)?.claimToken).toBe(row?.claimToken);
    });

    it('lists a tenant’s payments newest first, by status, a page at a time', async () => {
      const times = ['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:03.000Z'];
      for (const [index, createdAt] of times.entries()) {
        for (const suffix of ['x', 'y']) {
          await storage().payments.insert(
            payment('tenant-a', `order-${index}${suffix}`, {
              id: `pay-${index}${suffix}`,
              createdAt,
              status: suffix === 'x' ? 'paid' : 'pending',
            }),
          );
        }
      }
      await storage().payments.insert(payment('tenant-b', 'order-other', { createdAt: times[2] }));
      const seen: string[] = [];
      let after: { createdAt: string; id: string } | undefined;
      for (;;) {
        const page = await storage().payments.list({ tenantId: 'tenant-a', limit: 4, ...(after ? { after } : {}) });
        seen.push(...page.map((row) => row.id));
        const last = page.at(-1);
        if (page.length < 4 || !last) break;
        after = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toEqual(['pay-2y', 'pay-2x', 'pay-1y', 'pay-1x', 'pay-0y', 'pay-0x']);
      const paid = await storage().payments.list({ tenantId: 'tenant-a', status: 'paid', limit: 10 });
      expect(paid.map((row) => row.id)).toEqual(['pay-2x', 'pay-1x', 'pay-0x']);
      expect(await storage().payments.list({ tenantId: 'tenant-c', limit: 10 })).toEqual([]);
    });
  });

  describe('payment sessions', () => {
    it('keeps the sessions created for a payment, each with its attempt’s amount, for its tenant only', async () => {
      const { payments } = storage();
      await payments.addSession(session('tenant-a', 'cs_test_1'));
      await payments.addSession(
        session('tenant-a', 'cs_test_2', { attempt: 2, amount: 12_345_678_901, currency: 'jpy' }),
      );
      expect(await payments.getSession('tenant-a', 'stripe', 'cs_test_1')).toEqual(session('tenant-a', 'cs_test_1'));
      expect(await payments.getSession('tenant-a', 'stripe', 'cs_test_2')).toEqual(
        session('tenant-a', 'cs_test_2', { attempt: 2, amount: 12_345_678_901, currency: 'jpy' }),
      );
      // Another tenant, another provider or a session never recorded: nothing.
      expect(await payments.getSession('tenant-b', 'stripe', 'cs_test_1')).toBeUndefined();
      expect(await payments.getSession('tenant-a', 'other', 'cs_test_1')).toBeUndefined();
      expect(await payments.getSession('tenant-a', 'stripe', 'cs_test_unknown')).toBeUndefined();
      // Recording a session again leaves the first record as it was.
      await payments.addSession(session('tenant-b', 'cs_test_1', { amount: 1, currency: 'jpy', account: null }));
      expect(await payments.getSession('tenant-a', 'stripe', 'cs_test_1')).toEqual(session('tenant-a', 'cs_test_1'));
      expect(await payments.getSession('tenant-b', 'stripe', 'cs_test_1')).toBeUndefined();
      // The same id from another provider is another session.
      await payments.addSession(session('tenant-b', 'cs_test_1', { provider: 'other', account: null }));
      expect(await payments.getSession('tenant-b', 'other', 'cs_test_1')).toEqual(
        session('tenant-b', 'cs_test_1', { provider: 'other', account: null }),
      );
    });

    it('records a session together with the payment write of its transaction, or not at all', async () => {
      await storage().payments.insert(payment('tenant-a', 'order-1'));
      const current = (await storage().payments.get('tenant-a', 'order-1')) as PaymentRecord;
      await expect(
        storage().transaction(async (tx) => {
          await tx.payments.update(current, { providerRef: 'cs_test_1' }, T1);
          await tx.payments.addSession(session('tenant-a', 'cs_test_1'));
          throw new Error('storing the session failed');
        }),
      ).rejects.toThrow('storing the session failed');
      expect(await storage().payments.getSession('tenant-a', 'stripe', 'cs_test_1')).toBeUndefined();
      expect((await storage().payments.get('tenant-a', 'order-1'))?.providerRef).toBeNull();
      await storage().transaction(async (tx) => {
        await tx.payments.update(current, { providerRef: 'cs_test_1' }, T1);
        await tx.payments.addSession(session('tenant-a', 'cs_test_1'));
      });
      expect(await storage().payments.getSession('tenant-a', 'stripe', 'cs_test_1')).toEqual(
        session('tenant-a', 'cs_test_1'),
      );
    });

    it('keeps a payment’s needs-review flag', async () => {
      await storage().payments.insert(payment('tenant-a', 'order-1'));
      const current = (await storage().payments.get('tenant-a', 'order-1')) as PaymentRecord;
      expect(current.needsReview).toBe(false);
      const flagged = await storage().payments.update(current, { needsReview: true }, T1);
      expect(flagged?.needsReview).toBe(true);
      expect(await storage().payments.get('tenant-a', 'order-1')).toEqual(flagged);
      await storage().payments.insert(payment('tenant-a', 'order-2', { needsReview: true }));
      expect((await storage().payments.get('tenant-a', 'order-2'))?.needsReview).toBe(true);
    });
  });

  describe('webhook events', () => {
    it('records an event id once', async () => {
      expect(await storage().webhookEvents.record(webhookEvent('evt_1'))).toBe(true);
      expect(await storage().webhookEvents.record({ ...webhookEvent('evt_1'), type: 'other' })).toBe(false);
      expect(await storage().webhookEvents.get('evt_1')).toEqual(webhookEvent('evt_1'));
      expect(await storage().webhookEvents.get('evt_unknown')).toBeUndefined();
    });

    it('gives an event id to exactly one of several concurrent deliveries', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, () => storage().webhookEvents.record(webhookEvent('evt_race'))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('forgets an event id whose transaction rolled back', async () => {
      await expect(
        storage().transaction(async (tx) => {
          expect(await tx.webhookEvents.record(webhookEvent('evt_rolled_back'))).toBe(true);
          throw new Error('applying the event failed');
        }),
      ).rejects.toThrow('applying the event failed');
      expect(await storage().webhookEvents.record(webhookEvent('evt_rolled_back'))).toBe(true);
    });
  });
}
