import { type CreateTableBuilder, type Kysely, type Migration, sql } from 'kysely';
import type { SqlDialectName } from '../schema.js';

function sqlIn(column: string, values: string[]) {
  return sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;
}

/** An integer key the database assigns in insertion order (SQLite autoincrement, Postgres serial). */
function serialKey(dialect: SqlDialectName, column: string) {
  return <T extends string>(table: CreateTableBuilder<T, never>) =>
    dialect === 'postgres'
      ? table.addColumn(column, 'serial', (col) => col.primaryKey())
      : table.addColumn(column, 'integer', (col) => col.primaryKey().autoIncrement());
}

/**
 * The seed's tables (credentials, status, logs, OAuth states, Stripe accounts, batches, payments)
 * plus webhook events, the sync outbox and the Data Manager's entity tables.
 */
export function integrationsSchema(dialect: SqlDialectName): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('integration_credentials')
        .ifNotExists()
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('provider', 'text', (col) => col.notNull())
        .addColumn('ciphertext', 'text', (col) => col.notNull())
        .addColumn('public_data', 'text', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('integration_credentials_pk', ['tenant_id', 'provider'])
        .execute();

      await db.schema
        .createTable('integration_status')
        .ifNotExists()
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('provider', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sqlIn('status', ['connected', 'disconnected', 'error'])),
        )
        .addColumn('last_tested_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('last_error_code', 'text')
        .addColumn('needs_reconnect', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('integration_status_pk', ['tenant_id', 'provider'])
        .execute();

      await db.schema
        .createTable('integration_logs')
        .ifNotExists()
        .$call(serialKey(dialect, 'seq'))
        .addColumn('id', 'text', (col) => col.notNull().unique())
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('provider', 'text', (col) => col.notNull())
        .addColumn('level', 'text', (col) => col.notNull().check(sqlIn('level', ['info', 'warning', 'error'])))
        .addColumn('event', 'text', (col) => col.notNull())
        .addColumn('message', 'text', (col) => col.notNull())
        .addColumn('details', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('idx_integration_logs_tenant_provider')
        .ifNotExists()
        .on('integration_logs')
        .columns(['tenant_id', 'provider', 'seq'])
        .execute();

      await db.schema
        .createTable('oauth_states')
        .ifNotExists()
        .addColumn('state_hash', 'text', (col) => col.primaryKey())
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('provider', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .addColumn('data', 'text')
        .execute();
      await db.schema
        .createIndex('idx_oauth_states_expires')
        .ifNotExists()
        .on('oauth_states')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('stripe_connected_accounts')
        .ifNotExists()
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('tenant_id', 'text', (col) => col.notNull().unique())
        .addColumn('stripe_user_id', 'text', (col) => col.notNull())
        .addColumn('scope', 'text', (col) => col.notNull())
        .addColumn('livemode', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('business_name', 'text')
        .addColumn('country', 'text')
        .addColumn('default_currency', 'text')
        .addColumn('is_active', 'integer', (col) => col.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('idx_stripe_connected_accounts_user')
        .ifNotExists()
        .on('stripe_connected_accounts')
        .column('stripe_user_id')
        .execute();

      await db.schema
        .createTable('data_batches')
        .ifNotExists()
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('batch_type', 'text', (col) => col.notNull().check(sqlIn('batch_type', ['seed', 'upload', 'purge'])))
        .addColumn('entity_type', 'text', (col) => col.notNull())
        .addColumn('record_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('processed_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('status', 'text', (col) =>
          col
            .notNull()
            .defaultTo('pending')
            .check(sqlIn('status', ['pending', 'processing', 'completed', 'failed'])),
        )
        .addColumn('error_message', 'text')
        .addColumn('errors', 'text')
        .addColumn('error_count', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('preset', 'text')
        .addColumn('total_bytes', 'bigint')
        .addColumn('bytes_read', 'bigint')
        .addColumn('target_batch_id', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('completed_at', 'text')
        .execute();
      await db.schema
        .createIndex('idx_data_batches_tenant')
        .ifNotExists()
        .on('data_batches')
        .columns(['tenant_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('payments')
        .ifNotExists()
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('order_id', 'text', (col) => col.notNull())
        .addColumn('provider', 'text', (col) => col.notNull().defaultTo('stripe'))
        .addColumn('provider_ref', 'text')
        .addColumn('checkout_url', 'text')
        .addColumn('amount', 'bigint', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) =>
          col
            .notNull()
            .defaultTo('pending')
            .check(sqlIn('status', ['pending', 'paid', 'expired', 'failed'])),
        )
        .addColumn('attempt', 'integer', (col) => col.notNull().defaultTo(1))
        .addColumn('expires_at', 'text')
        .addColumn('webhook_events', 'text', (col) => col.notNull().defaultTo('[]'))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addUniqueConstraint('payments_tenant_order_unique', ['tenant_id', 'order_id'])
        .execute();
      await db.schema
        .createIndex('idx_payments_provider_ref')
        .ifNotExists()
        .on('payments')
        .column('provider_ref')
        .execute();
      await db.schema
        .createIndex('idx_payments_tenant_status')
        .ifNotExists()
        .on('payments')
        .columns(['tenant_id', 'status'])
        .execute();

      await db.schema
        .createTable('webhook_events')
        .ifNotExists()
        .addColumn('event_id', 'text', (col) => col.primaryKey())
        .addColumn('provider', 'text', (col) => col.notNull())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('account', 'text')
        .addColumn('received_at', 'text', (col) => col.notNull())
        .addColumn('processed_at', 'text')
        .execute();

      await db.schema
        .createTable('sync_queue')
        .ifNotExists()
        .$call(serialKey(dialect, 'id'))
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('entity', 'text', (col) => col.notNull())
        .addColumn('op', 'text', (col) => col.notNull().check(sqlIn('op', ['upsert', 'delete'])))
        .addColumn('record_key', 'text', (col) => col.notNull())
        .addColumn('payload', 'text')
        .addColumn('status', 'text', (col) =>
          col
            .notNull()
            .defaultTo('pending')
            .check(sqlIn('status', ['pending', 'done', 'failed'])),
        )
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('idx_sync_queue_tenant_status')
        .ifNotExists()
        .on('sync_queue')
        .columns(['tenant_id', 'status', 'id'])
        .execute();

      await db.schema
        .createTable('products')
        .ifNotExists()
        .$call(serialKey(dialect, 'id'))
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('batch_id', 'text', (col) => col.notNull())
        .addColumn('sku', 'text', (col) => col.notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('price', 'bigint', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('category', 'text')
        .addColumn('stock', 'integer')
        .addColumn('barcode', 'text')
        .addColumn('description', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('idx_products_tenant_batch')
        .ifNotExists()
        .on('products')
        .columns(['tenant_id', 'batch_id'])
        .execute();
      await db.schema
        .createIndex('idx_products_tenant_sku')
        .ifNotExists()
        .on('products')
        .columns(['tenant_id', 'sku'])
        .execute();

      await db.schema
        .createTable('customers')
        .ifNotExists()
        .$call(serialKey(dialect, 'id'))
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('batch_id', 'text', (col) => col.notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('email', 'text')
        .addColumn('phone', 'text')
        .addColumn('company', 'text')
        .addColumn('address_line1', 'text')
        .addColumn('city', 'text')
        .addColumn('region', 'text')
        .addColumn('postal_code', 'text')
        .addColumn('country', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('idx_customers_tenant_batch')
        .ifNotExists()
        .on('customers')
        .columns(['tenant_id', 'batch_id'])
        .execute();
    },
  };
}
