import type { Kysely, Migration } from 'kysely';
import type { SqlDialectName } from '../schema.js';

/**
 * The accounting ledger (`accounting_entries`): one row per sale or refund to record in the
 * merchant's books. The unique (tenant, kind, reference) is what makes a sale recorded once: a
 * second paid webhook, a repeated `recordSale` or a retried transaction finds the row there.
 * Rows stay after they were recorded.
 */
export function accountingSchema(dialect: SqlDialectName): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('accounting_entries')
        .ifNotExists()
        // Assigned in insertion order: SQLite autoincrement, Postgres serial.
        .$call((table) =>
          dialect === 'postgres'
            ? table.addColumn('id', 'serial', (col) => col.primaryKey())
            : table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement()),
        )
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('reference', 'text', (col) => col.notNull())
        .addColumn('request_id', 'text', (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('state', 'text', (col) => col.notNull())
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (col) => col.notNull())
        .addColumn('document_id', 'text')
        .addColumn('last_error', 'text')
        .addColumn('pushed_at', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addUniqueConstraint('accounting_entries_reference_unique', ['tenant_id', 'kind', 'reference'])
        .execute();
      // The flush and the periodic pass look for pending entries that are due.
      await db.schema
        .createIndex('idx_accounting_entries_due')
        .ifNotExists()
        .on('accounting_entries')
        .columns(['state', 'next_attempt_at', 'tenant_id'])
        .execute();
    },
  };
}
