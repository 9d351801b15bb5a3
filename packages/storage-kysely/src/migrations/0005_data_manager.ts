import type { Kysely, Migration } from 'kysely';

/**
 * The Data Manager's bookkeeping on `data_batches`: a heartbeat refreshed while a process works on
 * a batch (a stale one means the process died, so any instance may fail the batch), the purge
 * batch that deleted a batch's rows (set once, so a batch is purged once), the columns of an
 * uploaded file that its preset does not know, and the client's idempotency key (unique per tenant).
 */
export function dataManagerSchema(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      // Safe to run again (migrations may re-run after history surgery): only missing columns are
      // added, one per statement since SQLite adds a single column per ALTER TABLE.
      const tables = await db.introspection.getTables();
      const existing = new Set(
        tables.find((table) => table.name === 'data_batches')?.columns.map((column) => column.name) ?? [],
      );
      for (const column of ['heartbeat_at', 'purged_by', 'unknown_columns', 'idempotency_key']) {
        if (!existing.has(column)) await db.schema.alterTable('data_batches').addColumn(column, 'text').execute();
      }
      await db.schema
        .createIndex('idx_data_batches_status_heartbeat')
        .ifNotExists()
        .on('data_batches')
        .columns(['status', 'heartbeat_at'])
        .execute();
      // A client retrying a seed or upload with the same Idempotency-Key gets the first batch.
      await db.schema
        .createIndex('idx_data_batches_idempotency')
        .ifNotExists()
        .unique()
        .on('data_batches')
        .columns(['tenant_id', 'idempotency_key'])
        .execute();
    },
  };
}
