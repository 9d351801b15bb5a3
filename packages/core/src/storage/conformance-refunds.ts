import { describe, expect, it } from 'vitest';
import type { PaymentRecord } from './payments.js';
import type { IntegrationStorage } from './port.js';
import type { DisputeRecord, RefundRecord } from './refunds.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:05:00.000Z';

function refund(id: string, overrides: Partial<RefundRecord> = {}): RefundRecord {
  return {
    id,
    tenantId: 'tenant-a',
    provider: 'stripe',
    paymentId: 'pay-1',
    orderId: 'order-1',
    paymentRef: 'pi_1',
    providerRefundId: null,
    amount: 1000,
    currency: 'usd',
    reason: null,
    status: 'requested',
    source: 'api',
    clientKey: null,
    requestHash: null,
    failureReason: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function dispute(disputeId: string, overrides: Partial<DisputeRecord> = {}): DisputeRecord {
  return {
    provider: 'stripe',
    disputeId,
    tenantId: 'tenant-a',
    paymentId: 'pay-1',
    paymentRef: 'pi_1',
    status: 'needs_response',
    closed: false,
    amount: 1000,
    currency: 'usd',
    reason: 'fraudulent',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** Refunds (one row per provider refund and per client key), disputes, and a payment's provider payment and money fields. */
export function describeRefundConformance(storage: () => IntegrationStorage): void {
  describe('refunds and disputes', () => {
    it('stores a refund and reads it back whole, by id, provider id and client key', async () => {
      const stored = refund('r-1', { clientKey: 'key-1', requestHash: 'h', amount: 12_345_678_901 });
      expect(await storage().refunds.insert(stored)).toBe(true);
      expect(await storage().refunds.get('tenant-a', 'r-1')).toEqual(stored);
      expect(await storage().refunds.get('tenant-b', 'r-1')).toBeUndefined();
      expect(await storage().refunds.byClientKey('tenant-a', 'pay-1', 'key-1')).toEqual(stored);
      expect(await storage().refunds.byClientKey('tenant-a', 'pay-2', 'key-1')).toBeUndefined();
      await storage().refunds.update('tenant-a', 'r-1', { providerRefundId: 're_1', status: 'succeeded' }, T1);
      expect(await storage().refunds.byProviderId('stripe', 're_1')).toEqual({
        ...stored,
        providerRefundId: 're_1',
        status: 'succeeded',
        updatedAt: T1,
      });
    });

    it('keeps one row per provider refund id and per client key of a payment', async () => {
      expect(await storage().refunds.insert(refund('r-1', { providerRefundId: 're_1' }))).toBe(true);
      expect(await storage().refunds.insert(refund('r-2', { providerRefundId: 're_1' }))).toBe(false);
      expect(await storage().refunds.insert(refund('r-3', { clientKey: 'k' }))).toBe(true);
      expect(await storage().refunds.insert(refund('r-4', { clientKey: 'k' }))).toBe(false);
      // Refunds not yet answered have no provider id: any number of them.
      expect(await storage().refunds.insert(refund('r-5'))).toBe(true);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          storage().refunds.insert(refund(`race-${index}`, { providerRefundId: 're_race' })),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await storage().refunds.listForPayment('tenant-a', 'pay-1')).map((row) => row.id)).toHaveLength(4);
    });

    it("lists a payment's refunds oldest first, and those not yet joined to a payment", async () => {
      await storage().refunds.insert(refund('r-2', { createdAt: T1 }));
      await storage().refunds.insert(refund('r-1'));
      await storage().refunds.insert(refund('r-x', { paymentId: null, orderId: null, providerRefundId: 're_x' }));
      await storage().refunds.insert(
        refund('r-y', { paymentId: null, paymentRef: 'pi_other', providerRefundId: 're_y' }),
      );
      expect((await storage().refunds.listForPayment('tenant-a', 'pay-1')).map((row) => row.id)).toEqual([
        'r-1',
        'r-2',
      ]);
      expect((await storage().refunds.listUnattached('tenant-a', 'stripe', 'pi_1')).map((row) => row.id)).toEqual([
        'r-x',
      ]);
      expect(await storage().refunds.listUnattached('tenant-b', 'stripe', 'pi_1')).toEqual([]);
    });

    it('puts a dispute, replacing it by provider id, and lists them', async () => {
      await storage().disputes.put(dispute('dp_1'));
      await storage().disputes.put(dispute('dp_1', { status: 'won', closed: true, updatedAt: T1 }));
      await storage().disputes.put(dispute('dp_2', { paymentId: null }));
      expect(await storage().disputes.get('stripe', 'dp_1')).toEqual(
        dispute('dp_1', { status: 'won', closed: true, updatedAt: T1 }),
      );
      expect((await storage().disputes.listForPayment('tenant-a', 'pay-1')).map((row) => row.disputeId)).toEqual([
        'dp_1',
      ]);
      expect(
        (await storage().disputes.listUnattached('tenant-a', 'stripe', 'pi_1')).map((row) => row.disputeId),
      ).toEqual(['dp_2']);
    });

    it("keeps a payment's provider payment, refunded amount and dispute, and finds it by its provider payment", async () => {
      const record = {
        id: 'pay-1',
        tenantId: 'tenant-a',
        orderId: 'order-1',
        provider: 'stripe',
        providerRef: 'cs_1',
        providerAccount: 'acct_1',
        checkoutUrl: null,
        amount: 5000,
        currency: 'usd',
        status: 'paid' as const,
        sessionStatus: 'complete' as const,
        attempt: 1,
        expiresAt: null,
        events: [],
        needsReview: false,
        claimUntil: null,
        claimToken: null,
        lastErrorCode: null,
        paymentRef: 'pi_1',
        refundedAmount: 0,
        dispute: null,
        createdAt: T0,
      };
      await storage().payments.insert(record);
      const current = (await storage().payments.get('tenant-a', 'order-1')) as PaymentRecord;
      const disputed = {
        id: 'dp_1',
        status: 'needs_response',
        closed: false,
        amount: 5000,
        currency: 'usd',
        reason: null,
      };
      await storage().payments.update(current, { refundedAmount: 1500, status: 'disputed', dispute: disputed }, T1);
      expect(await storage().payments.byPaymentRef('tenant-a', 'stripe', 'pi_1')).toMatchObject({
        id: 'pay-1',
        refundedAmount: 1500,
        status: 'disputed',
        dispute: disputed,
        paymentRef: 'pi_1',
      });
      expect(await storage().payments.byPaymentRef('tenant-b', 'stripe', 'pi_1')).toBeUndefined();
    });
  });
}
