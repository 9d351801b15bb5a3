import type { Kysely, Migration } from 'kysely';

/**
 * Every checkout session the platform created, per payment attempt, with the amount and currency
 * that attempt asked for (`payment_sessions`), and the payment's `needs_review` flag. Webhooks
 * settle only recorded sessions, and only for the recorded amount.
 *
 * Existing payments bring their current session along as a known attempt (its amount and
 * currency are the payment's, which always belong to the current attempt). Their earlier
 * sessions were never kept, so events of those are no longer applied.
 * Safe to run again: the table and index are created if missing, the column added if missing,
 * and sessions already recorded are left alone.
 */
export function paymentSessionsSchema(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('payment_sessions')
        .ifNotExists()
        .addColumn('provider', 'text', (col) => col.notNull())
        .addColumn('session_id', 'text', (col) => col.notNull())
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('order_id', 'text', (col) => col.notNull())
        .addColumn('payment_id', 'text', (col) => col.notNull())
        .addColumn('provider_account', 'text')
        .addColumn('attempt', 'integer', (col) => col.notNull())
        .addColumn('amount', 'bigint', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('payment_sessions_pk', ['provider', 'session_id'])
        .execute();
      // A payment's sessions, for a host looking into one (the webhook goes by the primary key).
      await db.schema
        .createIndex('idx_payment_sessions_tenant_order')
        .ifNotExists()
        .on('payment_sessions')
        .columns(['tenant_id', 'order_id'])
        .execute();

      const tables = await db.introspection.getTables();
      const existing = new Set(tables.find((table) => table.name === 'payments')?.columns.map((column) => column.name));
      if (!existing.has('needs_review')) {
        await db.schema
          .alterTable('payments')
          .addColumn('needs_review', 'integer', (col) => col.notNull().defaultTo(0))
          .execute();
      }

      // The current session of each existing payment becomes a known attempt. Its creation time
      // was not kept: the payment's last update is the closest known time at or after it.
      await db
        .insertInto('payment_sessions')
        .columns([
          'provider',
          'session_id',
          'tenant_id',
          'order_id',
          'payment_id',
          'provider_account',
          'attempt',
          'amount',
          'currency',
          'created_at',
        ])
        .expression((eb) =>
          eb
            .selectFrom('payments')
            .select([
              'provider',
              'provider_ref',
              'tenant_id',
              'order_id',
              'id',
              'provider_account',
              'attempt',
              'amount',
              'currency',
              'updated_at',
            ])
            // The WHERE clause also keeps SQLite from reading ON CONFLICT as part of the SELECT.
            .where('provider_ref', 'is not', null),
        )
        .onConflict((conflict) => conflict.columns(['provider', 'session_id']).doNothing())
        .execute();
    },
  };
}
