import type { IntegrationStorage } from '@pos/integrations-core';
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { integrationsSchema } from './migrations/0001_integrations.js';
import { credentialRefreshSchema } from './migrations/0003_credential_refresh.js';
import type { IntegrationsDatabase, SqlDialectName } from './schema.js';
import { KyselyCredentialStore } from './stores/credentials.js';
import { KyselyLogStore } from './stores/logs.js';
import { KyselyOAuthStateStore } from './stores/oauth-states.js';
import { KyselyStatusStore } from './stores/statuses.js';
import { KyselyStripeAccountStore } from './stores/stripe-accounts.js';

/** Every migration, by name; names sort in the order they run. */
export function integrationMigrations(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0001_integrations': integrationsSchema(dialect),
    '0003_credential_refresh': credentialRefreshSchema(),
  };
}

export interface KyselyStorageOptions {
  dialect: SqlDialectName;
  /** Called by `close()` after the Kysely instance is destroyed (e.g. to close a pool). */
  onClose?: () => Promise<void> | void;
}

/** The storage port over any Kysely instance whose dialect is SQLite or Postgres. */
export class KyselyStorage implements IntegrationStorage {
  readonly credentials: KyselyCredentialStore;
  readonly statuses: KyselyStatusStore;
  readonly logs: KyselyLogStore;
  readonly oauthStates: KyselyOAuthStateStore;
  readonly stripeAccounts: KyselyStripeAccountStore;

  constructor(
    readonly db: Kysely<IntegrationsDatabase>,
    readonly options: KyselyStorageOptions,
  ) {
    this.credentials = new KyselyCredentialStore(db);
    this.statuses = new KyselyStatusStore(db);
    this.logs = new KyselyLogStore(db);
    this.oauthStates = new KyselyOAuthStateStore(db);
    this.stripeAccounts = new KyselyStripeAccountStore(db);
  }

  async transaction<T>(work: (storage: IntegrationStorage) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return this.db.transaction().execute((trx) => work(new KyselyStorage(trx, this.options)));
  }

  async migrate(): Promise<void> {
    const migrations = integrationMigrations(this.options.dialect);
    const provider: MigrationProvider = { getMigrations: async () => migrations };
    // Migrations are numbered by the issue that needed them and land in any order; they only add.
    const { error } = await new Migrator({ db: this.db, provider, allowUnorderedMigrations: true }).migrateToLatest();
    if (error) throw error;
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.options.onClose?.();
  }
}

export async function createKyselyStorage(
  db: Kysely<IntegrationsDatabase>,
  options: KyselyStorageOptions & { migrate?: boolean },
): Promise<KyselyStorage> {
  const storage = new KyselyStorage(db, options);
  if (options.migrate !== false) await storage.migrate();
  return storage;
}
