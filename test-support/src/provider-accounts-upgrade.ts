import { integrationMigrations, type KyselyStorage } from '@pos/storage-kysely';
import { expect } from 'vitest';
import { migrateBefore } from './migrate-before.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-02-01T00:00:00.000Z';
const T2 = '2026-03-01T00:00:00.000Z';

function legacyAccount(tenantId: string, stripeUserId: string, overrides: Record<string, unknown> = {}) {
  return {
    id: `row-${tenantId}`,
    tenant_id: tenantId,
    stripe_user_id: stripeUserId,
    scope: 'read_write',
    livemode: 0,
    business_name: `Shop of ${tenantId}`,
    country: 'US',
    default_currency: 'usd',
    is_active: 1,
    created_at: T0,
    updated_at: T1,
    ...overrides,
  };
}

/**
 * Upgrades a database written before `0010_provider_account_details`, whose Stripe accounts'
 * facts live in `stripe_connected_accounts`, and checks that they are now the details of the
 * accounts' links in `provider_accounts`. `storage` must be opened without migrating
 * (`migrate: false`).
 */
export async function checkProviderAccountsUpgrade(storage: KyselyStorage): Promise<void> {
  await migrateBefore(storage, '0010');
  // biome-ignore lint/suspicious/noExplicitAny: the typed schema no longer has the old table.
  const db = storage.db as any;
  // Links as 0007 made them from the credentials: tenant-a holds acct_A; a Clover merchant too.
  await db
    .insertInto('provider_accounts')
    .values([
      { provider: 'stripe', account_id: 'acct_A', tenant_id: 'tenant-a', created_at: T0 },
      { provider: 'clover', account_id: 'MERCHANT1', tenant_id: 'tenant-a', created_at: T0 },
    ])
    .execute();
  await db
    .insertInto('stripe_connected_accounts')
    .values([
      legacyAccount('tenant-a', 'acct_A', { livemode: 1, business_name: "Joe's" }),
      legacyAccount('tenant-b', 'acct_B', { country: null, default_currency: null }), // not linked yet
      legacyAccount('tenant-c', 'acct_A', { created_at: T2 }), // the account tenant-a holds
      legacyAccount('tenant-d', 'acct_D', { is_active: 0 }), // inactive: not carried over
    ])
    .execute();

  expect(await storage.migrate()).toEqual([]);
  // Running again changes nothing.
  await integrationMigrations(storage.options.dialect)['0010_provider_account_details']?.up(storage.db);
  const accounts = storage.providerAccounts;
  expect(await accounts.get('tenant-a', 'stripe')).toEqual({
    provider: 'stripe',
    accountId: 'acct_A',
    tenantId: 'tenant-a',
    details: { scope: 'read_write', livemode: true, business_name: "Joe's", country: 'US', default_currency: 'usd' },
    createdAt: T0,
    updatedAt: T1,
  });
  expect(await accounts.get('tenant-b', 'stripe')).toEqual({
    provider: 'stripe',
    accountId: 'acct_B',
    tenantId: 'tenant-b',
    details: {
      scope: 'read_write',
      livemode: false,
      business_name: 'Shop of tenant-b',
      country: null,
      default_currency: null,
    },
    createdAt: T0,
    updatedAt: T1,
  });
  expect(await accounts.get('tenant-c', 'stripe')).toBeUndefined();
  expect(await accounts.owner('stripe', 'acct_A')).toBe('tenant-a');
  expect(await accounts.get('tenant-d', 'stripe')).toBeUndefined();
  expect(await accounts.get('tenant-a', 'clover')).toEqual({
    provider: 'clover',
    accountId: 'MERCHANT1',
    tenantId: 'tenant-a',
    details: {},
    createdAt: T0,
    updatedAt: T0,
  });
  // The old table keeps its rows: migrations only add.
  const legacy = await db.selectFrom('stripe_connected_accounts').select('tenant_id').orderBy('tenant_id').execute();
  expect(legacy.map((row: { tenant_id: string }) => row.tenant_id)).toEqual([
    'tenant-a',
    'tenant-b',
    'tenant-c',
    'tenant-d',
  ]);
  expect(await storage.migrate()).toEqual([]);
}
