import type { Kysely, Migration } from 'kysely';

/**
 * What checkout sessions need beside the seed's `payments` columns (0001): the connected account
 * a session lives on (webhooks must come from it), the provider's session status, the claim one
 * server holds while it talks to the provider for an order, the last creation error, and a
 * version for compare-and-swap updates. Plus the index the newest-first list pages through.
 */
export function paymentsSchema(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      await db.schema.alterTable('payments').addColumn('provider_account', 'text').execute();
      await db.schema.alterTable('payments').addColumn('session_status', 'text').execute();
      await db.schema.alterTable('payments').addColumn('claim_until', 'text').execute();
      await db.schema.alterTable('payments').addColumn('claim_token', 'text').execute();
      await db.schema.alterTable('payments').addColumn('last_error_code', 'text').execute();
      await db.schema
        .alterTable('payments')
        .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createIndex('idx_payments_tenant_created')
        .ifNotExists()
        .on('payments')
        .columns(['tenant_id', 'created_at', 'id'])
        .execute();
    },
  };
}
