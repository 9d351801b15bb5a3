import { integrationMigrations, type KyselyStorage } from '@pos/storage-kysely';
import { expect } from 'vitest';
import { migrateBefore } from './migrate-before.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:40:00.000Z';

function legacyPayment(orderId: string, providerRef: string | null, attempt: number) {
  return {
    id: `pay-${orderId}`,
    tenant_id: 'tenant-a',
    order_id: orderId,
    provider: 'stripe',
    provider_ref: providerRef,
    provider_account: 'acct_1Legacy',
    checkout_url: null,
    amount: 500_000,
    currency: 'usd',
    status: 'pending',
    session_status: providerRef ? 'open' : null,
    attempt,
    expires_at: null,
    webhook_events: '[]',
    created_at: T0,
    updated_at: T1,
  };
}

/**
 * Upgrades a database that has payments from before `0008_payment_sessions` and checks what the
 * migration made of them. `storage` must be opened without migrating (`migrate: false`).
 */
export async function checkPaymentSessionsUpgrade(storage: KyselyStorage): Promise<void> {
  await migrateBefore(storage, '0008');
  // The table the migrations before 0008 know, written as a release without 0008 wrote it.
  // biome-ignore lint/suspicious/noExplicitAny: the typed schema already has 0008's column.
  const db = storage.db as any;
  await db
    .insertInto('payments')
    .values([legacyPayment('order-open', 'cs_test_legacyCurrent', 2), legacyPayment('order-claimed', null, 1)])
    .execute();

  await storage.migrate();
  // Running again changes nothing.
  await integrationMigrations(storage.options.dialect)['0008_payment_sessions']?.up(storage.db);

  // The current session of a payment is a known attempt, with the payment's amount and currency.
  expect(await storage.payments.getSession('tenant-a', 'stripe', 'cs_test_legacyCurrent')).toEqual({
    tenantId: 'tenant-a',
    provider: 'stripe',
    sessionId: 'cs_test_legacyCurrent',
    orderId: 'order-open',
    paymentId: 'pay-order-open',
    account: 'acct_1Legacy',
    attempt: 2,
    amount: 500_000,
    currency: 'usd',
    createdAt: T1,
  });
  const sessions = await storage.db.selectFrom('payment_sessions').select('session_id').execute();
  expect(sessions).toEqual([{ session_id: 'cs_test_legacyCurrent' }]);
  for (const orderId of ['order-open', 'order-claimed']) {
    expect(await storage.payments.get('tenant-a', orderId)).toMatchObject({ needsReview: false, version: 1 });
  }
}
