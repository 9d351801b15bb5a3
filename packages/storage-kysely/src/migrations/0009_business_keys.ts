import { type Kysely, type Migration, sql } from 'kysely';

/**
 * One row per business key: products are unique by `(tenant_id, sku)` and customers get an id of
 * their own, unique by `(tenant_id, customer_id)`, so a re-import updates rows instead of adding
 * them again. Products that share a SKU are merged first: the newest row (latest `created_at`,
 * then highest `id`) stays and the others are deleted; how many went is reported through `notes`.
 * Customers stored before ids existed get their row number as text (what the sync target already
 * keys them by).
 *
 * Every row also gets two batch marks beside `batch_id` (the batch that inserted it):
 * `changed_batch_id`, the last later batch that changed its values, and `seen_batch_id`, the last
 * later batch whose file held it; null until there is one, so an import into new keys writes
 * nothing more than before (see `KyselyEntitySink` for how a purge uses them). `data_batches`
 * gets the counts of a completed import and its mode.
 */
export function businessKeysSchema(notes: string[]): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      const tables = await db.introspection.getTables();
      const columnsOf = (name: string) =>
        new Set(tables.find((table) => table.name === name)?.columns.map((column) => column.name) ?? []);

      const batches = columnsOf('data_batches');
      for (const column of ['inserted_count', 'updated_count', 'unchanged_count']) {
        if (!batches.has(column)) await db.schema.alterTable('data_batches').addColumn(column, 'integer').execute();
      }
      if (!batches.has('mode')) await db.schema.alterTable('data_batches').addColumn('mode', 'text').execute();

      for (const table of ['products', 'customers']) {
        const existing = columnsOf(table);
        for (const column of ['changed_batch_id', 'seen_batch_id']) {
          if (!existing.has(column)) await db.schema.alterTable(table).addColumn(column, 'text').execute();
        }
      }

      // Products: the newest row of each (tenant, SKU) stays.
      const merged = await sql`
        DELETE FROM products WHERE EXISTS (
          SELECT 1 FROM products AS newer
          WHERE newer.tenant_id = products.tenant_id AND newer.sku = products.sku
            AND (newer.created_at > products.created_at
              OR (newer.created_at = products.created_at AND newer.id > products.id))
        )`.execute(db);
      const mergedCount = Number(merged.numAffectedRows ?? 0);
      if (mergedCount > 0) {
        notes.push(
          `Merged ${mergedCount} product row(s) that repeated a SKU of their tenant: the newest row of each SKU was kept.`,
        );
      }
      await db.schema.dropIndex('idx_products_tenant_sku').ifExists().execute();
      await db.schema
        .createIndex('idx_products_tenant_sku_unique')
        .ifNotExists()
        .unique()
        .on('products')
        .columns(['tenant_id', 'sku'])
        .execute();

      // Customers: an id per row, unique per tenant, and the e-mail lookup rows without an id use.
      if (!columnsOf('customers').has('customer_id')) {
        await db.schema.alterTable('customers').addColumn('customer_id', 'text').execute();
        await sql`UPDATE customers SET customer_id = CAST(id AS TEXT)`.execute(db);
      }
      await db.schema
        .createIndex('idx_customers_tenant_customer_id')
        .ifNotExists()
        .unique()
        .on('customers')
        .columns(['tenant_id', 'customer_id'])
        .execute();
      await sql`CREATE INDEX IF NOT EXISTS idx_customers_tenant_email ON customers (tenant_id, lower(email))`.execute(
        db,
      );
      // The rows a re-import changed are read back to queue them for the sync target; only such
      // rows are indexed, so an import into new keys adds no index entry. (A purge's lookups go by
      // `batch_id`, already indexed; dropping a purged batch's claims scans the tenant's rows.)
      for (const table of ['products', 'customers']) {
        await sql`CREATE INDEX IF NOT EXISTS ${sql.ref(`idx_${table}_tenant_changed`)} ON ${sql.table(table)}
          (tenant_id, changed_batch_id) WHERE changed_batch_id IS NOT NULL`.execute(db);
      }
    },
  };
}
