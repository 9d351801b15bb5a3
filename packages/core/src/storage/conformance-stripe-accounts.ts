import { describe, expect, it } from 'vitest';
import type { IntegrationStorage, StripeAccountRecord } from './port.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:05:00.000Z';

function account(tenantId: string, overrides: Partial<StripeAccountRecord> = {}): StripeAccountRecord {
  return {
    tenantId,
    stripeUserId: 'acct_1ABCdef234567890',
    scope: 'read_write',
    livemode: false,
    businessName: "Joe's Coffee",
    country: 'US',
    defaultCurrency: 'usd',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** The seed's `stripe_connected_accounts`: one account per tenant, found by tenant or by `acct_…`. */
export function describeStripeAccountConformance(storage: () => IntegrationStorage): void {
  describe('stripe connected accounts', () => {
    it('stores one account per tenant, replacing it on reconnect but keeping the first connection time', async () => {
      await storage().stripeAccounts.put(account('tenant-a'));
      expect(await storage().stripeAccounts.get('tenant-a')).toEqual(account('tenant-a'));
      const replacement = account('tenant-a', {
        stripeUserId: 'acct_2XYZ',
        livemode: true,
        businessName: null,
        country: null,
        defaultCurrency: null,
        createdAt: T1,
        updatedAt: T1,
      });
      await storage().stripeAccounts.put(replacement);
      expect(await storage().stripeAccounts.get('tenant-a')).toEqual({ ...replacement, createdAt: T0 });
      expect(await storage().stripeAccounts.get('tenant-b')).toBeUndefined();
    });

    it('finds every tenant connected to a Stripe account, and deletes per tenant', async () => {
      await storage().stripeAccounts.put(account('tenant-b'));
      await storage().stripeAccounts.put(account('tenant-a'));
      await storage().stripeAccounts.put(account('tenant-c', { stripeUserId: 'acct_other' }));
      const found = await storage().stripeAccounts.findByStripeUserId('acct_1ABCdef234567890');
      expect(found.map((row) => row.tenantId)).toEqual(['tenant-a', 'tenant-b']);
      expect(await storage().stripeAccounts.findByStripeUserId('acct_unknown')).toEqual([]);

      expect(await storage().stripeAccounts.delete('tenant-a')).toBe(true);
      expect(await storage().stripeAccounts.delete('tenant-a')).toBe(false);
      expect(await storage().stripeAccounts.get('tenant-a')).toBeUndefined();
      expect((await storage().stripeAccounts.findByStripeUserId('acct_1ABCdef234567890')).length).toBe(1);
    });
  });
}
