import type { Kysely, Migration } from 'kysely';

/**
 * The sync outbox's per-tenant state: the flush claim (who is pushing this tenant's queue, until
 * when) and the time of the last delivery. The queue itself (`sync_queue`) came with 0001.
 */
export function syncOutboxSchema(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('sync_state')
        .ifNotExists()
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('provider', 'text', (col) => col.notNull())
        .addColumn('claim_token', 'text')
        .addColumn('claim_expires_at', 'text')
        .addColumn('last_sync_at', 'text')
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('sync_state_pk', ['tenant_id', 'provider'])
        .execute();
      // The periodic flush looks for tenants with pending items.
      await db.schema
        .createIndex('idx_sync_queue_status_tenant')
        .ifNotExists()
        .on('sync_queue')
        .columns(['status', 'tenant_id'])
        .execute();
    },
  };
}
