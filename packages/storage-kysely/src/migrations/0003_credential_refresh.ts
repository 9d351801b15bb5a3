import type { Kysely, Migration } from 'kysely';

const COLUMNS = ['expires_at', 'refresh_lease_id', 'refresh_lease_until'] as const;

/**
 * Expiring OAuth tokens: the access token's expiry, and a refresh lease so that of several
 * servers sharing one database exactly one refreshes a tenant's tokens at a time. Adds only the
 * columns still missing, so it can run again (SQLite has no `ADD COLUMN IF NOT EXISTS`).
 */
export function credentialRefreshSchema(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      const tables = await db.introspection.getTables();
      const existing = new Set(
        tables.find((table) => table.name === 'integration_credentials')?.columns.map((column) => column.name),
      );
      for (const column of COLUMNS) {
        if (!existing.has(column)) {
          await db.schema.alterTable('integration_credentials').addColumn(column, 'text').execute();
        }
      }
    },
  };
}
