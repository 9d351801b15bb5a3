import type { Kysely, Migration } from 'kysely';

/**
 * The host events outbox (`event_outbox`): every event waiting for webhook delivery, its body as
 * sent, where its delivery stands and the claim of the server posting it; and its delivery log
 * (`event_deliveries`), one row per attempt. Safe to run again.
 */
export function eventsSchema(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('event_outbox')
        .ifNotExists()
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('body', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (col) => col.notNull())
        .addColumn('claim_token', 'text')
        .addColumn('claim_until', 'text')
        .addColumn('delivered_at', 'text')
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      // The delivery pass looks for due pending events.
      await db.schema
        .createIndex('idx_event_outbox_due')
        .ifNotExists()
        .on('event_outbox')
        .columns(['status', 'next_attempt_at'])
        .execute();
      // The delivery log pages through a tenant's events, newest first.
      await db.schema
        .createIndex('idx_event_outbox_tenant_created')
        .ifNotExists()
        .on('event_outbox')
        .columns(['tenant_id', 'created_at', 'id'])
        .execute();
      await db.schema
        .createTable('event_deliveries')
        .ifNotExists()
        .addColumn('event_id', 'text', (col) => col.notNull())
        .addColumn('attempt', 'integer', (col) => col.notNull())
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('attempted_at', 'text', (col) => col.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('error', 'text')
        .addColumn('duration_ms', 'integer', (col) => col.notNull())
        .addPrimaryKeyConstraint('event_deliveries_pk', ['event_id', 'attempt'])
        .execute();
    },
  };
}
