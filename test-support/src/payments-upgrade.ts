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

/**
 * Upgrades a database that has payments from before `0020_refunds` (the seed's CHECK constraint
 * on `payments.status`: SQLite rebuilds the table) and checks that rows, their indexes and the
 * new statuses all work afterwards. `storage` must be opened without migrating.
 */
export async function checkRefundsUpgrade(storage: KyselyStorage): Promise<void> {
  await migrateBefore(storage, '0020');
  // biome-ignore lint/suspicious/noExplicitAny: the typed schema already has 0020's columns.
  const db = storage.db as any;
  await db
    .insertInto('payments')
    .values([
      {
        ...legacyPayment('order-paid', 'cs_test_paid', 1),
        status: 'paid',
        session_status: 'complete',
        needs_review: 1,
      },
      { ...legacyPayment('order-open', 'cs_test_open', 1), needs_review: 0 },
    ])
    .execute();
  // Before the upgrade the seed's constraint refuses the new statuses.
  await expect(
    db.updateTable('payments').set({ status: 'refunded' }).where('order_id', '=', 'order-paid').execute(),
  ).rejects.toThrow();

  await storage.migrate();
  await integrationMigrations(storage.options.dialect)['0020_refunds']?.up(storage.db);

  const paid = await storage.payments.get('tenant-a', 'order-paid');
  expect(paid).toMatchObject({
    status: 'paid',
    needsReview: true,
    providerRef: 'cs_test_paid',
    paymentRef: null,
    refundedAmount: 0,
    dispute: null,
    version: 1,
  });
  const written = await storage.payments.update(
    paid as NonNullable<typeof paid>,
    { status: 'refunded', refundedAmount: 500_000 },
    T1,
  );
  expect(written?.status).toBe('refunded');
  // The constraint still refuses what is not a status, and the (tenant, order) key still holds.
  await expect(
    db.updateTable('payments').set({ status: 'lost' }).where('order_id', '=', 'order-open').execute(),
  ).rejects.toThrow();
  expect(await storage.payments.insert({ ...(paid as NonNullable<typeof paid>), id: 'another', createdAt: T0 })).toBe(
    false,
  );
  expect((await storage.payments.list({ tenantId: 'tenant-a', limit: 10 })).map((row) => row.orderId).sort()).toEqual([
    'order-open',
    'order-paid',
  ]);
}
