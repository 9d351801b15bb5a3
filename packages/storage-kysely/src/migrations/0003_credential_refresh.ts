import type { Kysely, Migration } from 'kysely';

/**
 * Expiring OAuth tokens: the access token's expiry, and a refresh lease so that of several
 * servers sharing one database exactly one refreshes a tenant's tokens at a time.
 */
export function credentialRefreshSchema(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      await db.schema.alterTable('integration_credentials').addColumn('expires_at', 'text').execute();
      await db.schema.alterTable('integration_credentials').addColumn('refresh_lease_id', 'text').execute();
      await db.schema.alterTable('integration_credentials').addColumn('refresh_lease_until', 'text').execute();
    },
  };
}
