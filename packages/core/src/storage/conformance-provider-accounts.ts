import { describe, expect, it } from 'vitest';
import type { IntegrationStorage, ProviderAccountLink } from './port.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';

function link(tenantId: string, accountId = 'acct_1ABCdef234567890', provider = 'stripe'): ProviderAccountLink {
  return { provider, accountId, tenantId, createdAt: T0 };
}

/** `provider_accounts`: one tenant per provider account, one account per tenant and provider. */
export function describeProviderAccountConformance(storage: () => IntegrationStorage): void {
  describe('provider accounts', () => {
    it('links an account to the first tenant that claims it, and to that tenant again', async () => {
      const accounts = storage().providerAccounts;
      expect(await accounts.owner('stripe', 'acct_1ABCdef234567890')).toBeUndefined();
      expect(await accounts.claim(link('tenant-a'))).toBe('tenant-a');
      expect(await accounts.claim(link('tenant-a'))).toBe('tenant-a');
      expect(await accounts.claim(link('tenant-b'))).toBe('tenant-a');
      expect(await accounts.owner('stripe', 'acct_1ABCdef234567890')).toBe('tenant-a');
      // The same id under another provider is another account.
      expect(await accounts.claim(link('tenant-b', 'acct_1ABCdef234567890', 'clover'))).toBe('tenant-b');
      expect(await accounts.owner('clover', 'acct_1ABCdef234567890')).toBe('tenant-b');
    });

    it('frees an account when its tenant releases it or switches to another account', async () => {
      const accounts = storage().providerAccounts;
      await accounts.claim(link('tenant-a', 'acct_one'));
      await accounts.claim(link('tenant-a', 'acct_two'));
      expect(await accounts.owner('stripe', 'acct_one')).toBeUndefined();
      expect(await accounts.claim(link('tenant-b', 'acct_one'))).toBe('tenant-b');
      expect(await accounts.release('tenant-a', 'stripe')).toBe(true);
      expect(await accounts.release('tenant-a', 'stripe')).toBe(false);
      expect(await accounts.owner('stripe', 'acct_two')).toBeUndefined();
      expect(await accounts.claim(link('tenant-c', 'acct_two'))).toBe('tenant-c');
    });

    it('keeps the tenant’s current account when a claim of an account held elsewhere is refused', async () => {
      const accounts = storage().providerAccounts;
      await accounts.claim(link('tenant-a', 'acct_one'));
      await accounts.claim(link('tenant-b', 'acct_two'));
      expect(await accounts.claim(link('tenant-a', 'acct_two'))).toBe('tenant-b');
      expect(await accounts.owner('stripe', 'acct_one')).toBe('tenant-a');
    });

    it('keeps the details with the link: replaced by a new claim of the tenant, kept from a refused one, gone on release', async () => {
      const accounts = storage().providerAccounts;
      expect(await accounts.get('tenant-a', 'stripe')).toBeUndefined();
      await accounts.claim({ ...link('tenant-a'), details: { business_name: 'Old Name', livemode: false } });
      expect(await accounts.get('tenant-a', 'stripe')).toEqual({
        provider: 'stripe',
        accountId: 'acct_1ABCdef234567890',
        tenantId: 'tenant-a',
        details: { business_name: 'Old Name', livemode: false },
        createdAt: T0,
        updatedAt: T0,
      });
      await accounts.claim({ ...link('tenant-a'), createdAt: T1, details: { business_name: "Joe's", country: null } });
      expect(await accounts.get('tenant-a', 'stripe')).toMatchObject({
        details: { business_name: "Joe's", country: null },
        createdAt: T0,
        updatedAt: T1,
      });
      await accounts.claim({ ...link('tenant-b'), createdAt: T1, details: { business_name: 'Intruder' } });
      expect((await accounts.get('tenant-a', 'stripe'))?.details).toEqual({ business_name: "Joe's", country: null });
      expect(await accounts.get('tenant-b', 'stripe')).toBeUndefined();
      await accounts.claim(link('tenant-c', 'acct_plain'));
      expect((await accounts.get('tenant-c', 'stripe'))?.details).toEqual({});
      expect(await accounts.get('tenant-a', 'clover')).toBeUndefined();
      await accounts.release('tenant-a', 'stripe');
      expect(await accounts.get('tenant-a', 'stripe')).toBeUndefined();
    });

    it('lets exactly one of several tenants claiming one account at the same moment have it', async () => {
      const tenants = Array.from({ length: 8 }, (_, index) => `tenant-${index}`);
      const owners = await Promise.all(
        tenants.map((tenantId) =>
          storage().transaction((tx) => tx.providerAccounts.claim(link(tenantId, 'acct_contested'))),
        ),
      );
      const winner = await storage().providerAccounts.owner('stripe', 'acct_contested');
      expect(tenants).toContain(winner);
      expect(new Set(owners)).toEqual(new Set([winner]));
    });
  });
}
