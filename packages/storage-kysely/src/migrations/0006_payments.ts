import type { Kysely, Migration } from 'kysely';

const TEXT_COLUMNS = ['provider_account', 'session_status', 'claim_until', 'claim_token', 'last_error_code'] as const;

/**
 * What checkout sessions need beside the seed's `payments` columns (0001): the connected account
 * a session lives on (webhooks must come from it), the provider's session status, the claim one
 * server holds while it talks to the provider for an order, the last creation error, and a
 * version for compare-and-swap updates. Plus the index the newest-first list pages through.
 * Adds only the columns still missing, so it can run again (SQLite has no `ADD COLUMN IF NOT EXISTS`).
 */
export function paymentsSchema(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      const tables = await db.introspection.getTables();
      const existing = new Set(tables.find((table) => table.name === 'payments')?.columns.map((column) => column.name));
      for (const column of TEXT_COLUMNS) {
        if (!existing.has(column)) await db.schema.alterTable('payments').addColumn(column, 'text').execute();
      }
      if (!existing.has('version')) {
        await db.schema
          .alterTable('payments')
          .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
          .execute();
      }
      await db.schema
        .createIndex('idx_payments_tenant_created')
        .ifNotExists()
        .on('payments')
        .columns(['tenant_id', 'created_at', 'id'])
        .execute();
    },
  };
}
