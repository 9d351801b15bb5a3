import type { Kysely, Migration } from 'kysely';
import type { SqlDialectName } from '../schema.js';
import { widenCheck } from './widen-check.js';

/** Every payment status. */
export const PAYMENT_STATUSES = [
  'pending',
  'paid',
  'expired',
  'failed',
  'canceled',
  'partially_refunded',
  'refunded',
  'disputed',
] as const;

/** The seed's CHECK on `payments.status` knew the first four. */
const SEED_CHECK = /\(\s*'pending'\s*,\s*'paid'\s*,\s*'expired'\s*,\s*'failed'\s*\)/;

/**
 * Cancel, refunds and disputes: the payment's provider payment (`payment_ref`, which refund and
 * dispute events name), `refunded_amount` and `dispute` (JSON), the new statuses, and the
 * `payment_refunds` and `payment_disputes` tables. A refund's provider id is unique per provider
 * (an answer and a webhook about one refund meet on one row), and so is a client's
 * Idempotency-Key per payment. Adds only; safe to run again.
 */
export function refundsSchema(dialect: SqlDialectName): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      const tables = await db.introspection.getTables();
      const existing = new Set(tables.find((table) => table.name === 'payments')?.columns.map((column) => column.name));
      if (!existing.has('payment_ref'))
        await db.schema.alterTable('payments').addColumn('payment_ref', 'text').execute();
      if (!existing.has('refunded_amount')) {
        await db.schema
          .alterTable('payments')
          .addColumn('refunded_amount', 'bigint', (col) => col.notNull().defaultTo(0))
          .execute();
      }
      if (!existing.has('dispute')) await db.schema.alterTable('payments').addColumn('dispute', 'text').execute();
      // Lets `payments.status` hold the new statuses.
      await widenCheck(db, dialect, {
        table: 'payments',
        column: 'status',
        seedList: SEED_CHECK,
        values: PAYMENT_STATUSES,
      });
      await db.schema
        .createIndex('idx_payments_tenant_payment_ref')
        .ifNotExists()
        .on('payments')
        .columns(['tenant_id', 'provider', 'payment_ref'])
        .execute();

      await db.schema
        .createTable('payment_refunds')
        .ifNotExists()
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('provider', 'text', (col) => col.notNull())
        .addColumn('payment_id', 'text')
        .addColumn('order_id', 'text')
        .addColumn('payment_ref', 'text')
        .addColumn('provider_refund_id', 'text')
        .addColumn('amount', 'bigint', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('reason', 'text')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('source', 'text', (col) => col.notNull())
        .addColumn('client_key', 'text')
        .addColumn('request_hash', 'text')
        .addColumn('failure_reason', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      // NULLs never collide: refunds not yet answered, and requests without a key, may be many.
      await db.schema
        .createIndex('idx_payment_refunds_provider_id')
        .ifNotExists()
        .unique()
        .on('payment_refunds')
        .columns(['provider', 'provider_refund_id'])
        .execute();
      await db.schema
        .createIndex('idx_payment_refunds_client_key')
        .ifNotExists()
        .unique()
        .on('payment_refunds')
        .columns(['tenant_id', 'payment_id', 'client_key'])
        .execute();
      await db.schema
        .createIndex('idx_payment_refunds_payment_ref')
        .ifNotExists()
        .on('payment_refunds')
        .columns(['tenant_id', 'provider', 'payment_ref'])
        .execute();

      await db.schema
        .createTable('payment_disputes')
        .ifNotExists()
        .addColumn('provider', 'text', (col) => col.notNull())
        .addColumn('dispute_id', 'text', (col) => col.notNull())
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('payment_id', 'text')
        .addColumn('payment_ref', 'text')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('closed', 'integer', (col) => col.notNull())
        .addColumn('amount', 'bigint', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('reason', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('payment_disputes_pk', ['provider', 'dispute_id'])
        .execute();
      await db.schema
        .createIndex('idx_payment_disputes_payment')
        .ifNotExists()
        .on('payment_disputes')
        .columns(['tenant_id', 'payment_id'])
        .execute();
    },
  };
}
