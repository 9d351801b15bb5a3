import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlDialectName } from '../schema.js';
import { widenCheck } from './widen-check.js';

/** Every batch type; the seed's CHECK on `data_batches.batch_type` knew the first three. */
export const BATCH_TYPES = ['seed', 'upload', 'purge', 'provider_import'] as const;
const SEED_CHECK = /\(\s*'seed'\s*,\s*'upload'\s*,\s*'purge'\s*\)/;

const COLUMNS: Array<[name: string, type: 'text' | 'integer']> = [
  ['source', 'text'],
  ['total_count', 'integer'],
  ['missing_count', 'integer'],
  ['missing', 'text'],
  ['remove_missing', 'integer'],
];

/**
 * Provider imports: `data_batches.batch_type` allows `provider_import`, and each batch records the connector it read from (`source`), the provider's
 * object count (`total_count`), and once complete the rows the tenant last imported from that
 * provider that it no longer has (`missing_count`, the first of them as JSON in `missing`) and
 * whether they were removed (`remove_missing`, 0 or 1). An index on (tenant, source) finds a
 * tenant's earlier imports from one provider. Adds only; safe to run again.
 */
export function providerImportSchema(dialect: SqlDialectName): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      const tables = await db.introspection.getTables();
      const existing = new Set(
        tables.find((table) => table.name === 'data_batches')?.columns.map((column) => column.name) ?? [],
      );
      await widenCheck(db, dialect, {
        table: 'data_batches',
        column: 'batch_type',
        seedList: SEED_CHECK,
        values: BATCH_TYPES,
      });
      for (const [name, type] of COLUMNS) {
        if (!existing.has(name)) await db.schema.alterTable('data_batches').addColumn(name, type).execute();
      }
      await sql`CREATE INDEX IF NOT EXISTS data_batches_source ON data_batches (tenant_id, source) WHERE source IS NOT NULL`.execute(
        db,
      );
    },
  };
}
