import type { EntitySink, IntegrationStorage } from '@pos/integrations-core';
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { type BulkLoader, ENTITY_TABLES, type EntityRow, type EntityTable, KyselyEntitySink } from './entity-sink.js';
import { integrationsSchema } from './migrations/0001_integrations.js';
import { dataManagerSchema } from './migrations/0005_data_manager.js';
import type { IntegrationsDatabase, SqlDialectName } from './schema.js';
import { KyselyBatchStore } from './stores/batches.js';
import { KyselyCredentialStore } from './stores/credentials.js';
import { KyselyLogStore } from './stores/logs.js';
import { KyselyOAuthStateStore } from './stores/oauth-states.js';
import { KyselyStatusStore } from './stores/statuses.js';

/** Every migration, by name; names sort in the order they run. */
export function integrationMigrations(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0001_integrations': integrationsSchema(dialect),
    '0005_data_manager': dataManagerSchema(),
  };
}

export interface KyselyStorageOptions {
  dialect: SqlDialectName;
  /** Called by `close()` after the Kysely instance is destroyed (e.g. to close a pool). */
  onClose?: () => Promise<void> | void;
  /**
   * Bulk-loads the Data Manager's tables (`products`, `customers`). Without one, the storage
   * offers no built-in entity types and the Data Manager only serves types the host registers.
   */
  bulkLoader?: BulkLoader;
}

/** The storage port over any Kysely instance whose dialect is SQLite or Postgres. */
export class KyselyStorage implements IntegrationStorage {
  readonly credentials: KyselyCredentialStore;
  readonly statuses: KyselyStatusStore;
  readonly logs: KyselyLogStore;
  readonly oauthStates: KyselyOAuthStateStore;
  readonly batches: KyselyBatchStore;
  readonly #sinks = new Map<string, KyselyEntitySink>();

  constructor(
    readonly db: Kysely<IntegrationsDatabase>,
    readonly options: KyselyStorageOptions,
  ) {
    this.credentials = new KyselyCredentialStore(db);
    this.statuses = new KyselyStatusStore(db);
    this.logs = new KyselyLogStore(db);
    this.oauthStates = new KyselyOAuthStateStore(db);
    this.batches = new KyselyBatchStore(db);
  }

  entitySink(entityType: string): EntitySink<EntityRow> | undefined {
    const loader = this.options.bulkLoader;
    if (!loader || !Object.hasOwn(ENTITY_TABLES, entityType)) return undefined;
    let sink = this.#sinks.get(entityType);
    if (!sink) {
      sink = new KyselyEntitySink(this, ENTITY_TABLES[entityType as EntityTable['name']], loader);
      this.#sinks.set(entityType, sink);
    }
    return sink;
  }

  async transaction<T>(work: (storage: IntegrationStorage) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return this.db.transaction().execute((trx) => work(new KyselyStorage(trx, this.options)));
  }

  async migrate(): Promise<void> {
    const migrations = integrationMigrations(this.options.dialect);
    const provider: MigrationProvider = { getMigrations: async () => migrations };
    const { error } = await new Migrator({ db: this.db, provider }).migrateToLatest();
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
