import type { EntitySink, IntegrationStorage } from '@pos/integrations-core/storage';
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { type BulkLoader, ENTITY_TABLES, type EntityRow, type EntityTable, KyselyEntitySink } from './entity-sink.js';
import { GroupCommit } from './group-commit.js';
import { integrationsSchema } from './migrations/0001_integrations.js';
import { credentialRefreshSchema } from './migrations/0003_credential_refresh.js';
import { syncOutboxSchema } from './migrations/0004_sync_outbox.js';
import { dataManagerSchema } from './migrations/0005_data_manager.js';
import { paymentsSchema } from './migrations/0006_payments.js';
import { providerAccountsSchema } from './migrations/0007_provider_accounts.js';
import { paymentSessionsSchema } from './migrations/0008_payment_sessions.js';
import { businessKeysSchema } from './migrations/0009_business_keys.js';
import { providerAccountDetailsSchema } from './migrations/0010_provider_account_details.js';
import { accountingSchema } from './migrations/0018_accounting.js';
import { providerImportSchema } from './migrations/0019_provider_import.js';
import { eventsSchema } from './migrations/0020_events.js';
import { refundsSchema } from './migrations/0020_refunds.js';
import type { IntegrationsDatabase, SqlDialectName } from './schema.js';
import { KyselyAccountingStore } from './stores/accounting.js';
import { KyselyBatchStore } from './stores/batches.js';
import { KyselyCredentialStore } from './stores/credentials.js';
import { KyselyEventOutboxStore } from './stores/events.js';
import { KyselyLogStore } from './stores/logs.js';
import { KyselyOAuthStateStore } from './stores/oauth-states.js';
import { KyselyPaymentStore, KyselyWebhookEventStore } from './stores/payments.js';
import { KyselyProviderAccountStore } from './stores/provider-accounts.js';
import { KyselyDisputeStore, KyselyRefundStore } from './stores/refunds.js';
import { KyselyStatusStore } from './stores/statuses.js';
import { KyselySyncQueueStore, KyselySyncStateStore } from './stores/sync.js';

/** Where the migrator records which migrations ran, and its lock row. */
export const MIGRATION_TABLE = 'pos_integrations_migrations';
export const MIGRATION_LOCK_TABLE = 'pos_integrations_migration_lock';

/** Stands in for a migration only a newer release knows; it has run, so it never runs here. */
const ALREADY_RAN: Migration = {
  up: async () => {
    throw new Error('A migration from a newer release cannot run here.');
  },
};

/**
 * Every migration, by name; pending ones run in name order. A migration that changed stored data
 * beyond adding to it (merging rows, say) says what it did in `notes`.
 */
export function integrationMigrations(dialect: SqlDialectName, notes: string[] = []): Record<string, Migration> {
  return {
    '0001_integrations': integrationsSchema(dialect),
    '0003_credential_refresh': credentialRefreshSchema(),
    '0004_sync_outbox': syncOutboxSchema(),
    '0005_data_manager': dataManagerSchema(),
    '0006_payments': paymentsSchema(),
    '0007_provider_accounts': providerAccountsSchema(),
    '0008_payment_sessions': paymentSessionsSchema(),
    '0009_business_keys': businessKeysSchema(notes),
    '0010_provider_account_details': providerAccountDetailsSchema(),
    '0018_accounting': accountingSchema(dialect),
    '0019_provider_import': providerImportSchema(dialect),
    '0020_events': eventsSchema(),
    '0020_refunds': refundsSchema(dialect),
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
  /**
   * Runs `migrate()`'s work so that no other connection migrates at the same time, for dialects
   * whose Kysely migrator takes no lock of its own (SQLite).
   */
  migrationLock?: (migrate: () => Promise<void>) => Promise<void>;
}

/** The storage port over any Kysely instance whose dialect is SQLite or Postgres. */
export class KyselyStorage implements IntegrationStorage {
  readonly credentials: KyselyCredentialStore;
  readonly statuses: KyselyStatusStore;
  readonly logs: KyselyLogStore;
  readonly oauthStates: KyselyOAuthStateStore;
  readonly providerAccounts: KyselyProviderAccountStore;
  readonly syncQueue: KyselySyncQueueStore;
  readonly syncState: KyselySyncStateStore;
  readonly batches: KyselyBatchStore;
  readonly #sinks = new Map<string, KyselyEntitySink>();
  readonly payments: KyselyPaymentStore;
  readonly webhookEvents: KyselyWebhookEventStore;
  readonly accounting: KyselyAccountingStore;
  readonly eventOutbox: KyselyEventOutboxStore;
  readonly refunds: KyselyRefundStore;
  readonly disputes: KyselyDisputeStore;
  // Made on first use (transactions build storages of their own and never need one).
  #group: GroupCommit | undefined;

  constructor(
    readonly db: Kysely<IntegrationsDatabase>,
    readonly options: KyselyStorageOptions,
  ) {
    this.credentials = new KyselyCredentialStore(db);
    this.statuses = new KyselyStatusStore(db);
    this.logs = new KyselyLogStore(db);
    this.oauthStates = new KyselyOAuthStateStore(db);
    this.providerAccounts = new KyselyProviderAccountStore(db);
    this.syncQueue = new KyselySyncQueueStore(db);
    this.syncState = new KyselySyncStateStore(db);
    this.batches = new KyselyBatchStore(db);
    this.payments = new KyselyPaymentStore(db);
    this.webhookEvents = new KyselyWebhookEventStore(db);
    this.accounting = new KyselyAccountingStore(db);
    this.eventOutbox = new KyselyEventOutboxStore(db);
    this.refunds = new KyselyRefundStore(db);
    this.disputes = new KyselyDisputeStore(db);
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

  /**
   * Group commit on SQLite, whose single writer commits one transaction at a time and pays a WAL
   * write for each. Postgres runs each work in a transaction of its own: its connections commit
   * in parallel, and a shared transaction would hold row locks for longer and, with instances
   * taking the same rows in different orders, could deadlock.
   */
  groupTransaction<T>(work: (storage: IntegrationStorage) => Promise<T>): Promise<T> {
    if (this.db.isTransaction || this.options.dialect !== 'sqlite') return this.transaction(work);
    this.#group ??= new GroupCommit(this);
    return this.#group.run(work);
  }

  /**
   * Runs the pending migrations. On Postgres, Kysely's migrator holds an advisory lock while it
   * runs, so instances starting together migrate one after the other and the later ones find
   * nothing to do. The bookkeeping tables have their own names so an application that runs its
   * own Kysely migrations in the same database keeps its history apart.
   *
   * Migration names carry the number of the issue that needed them, so they land in any order:
   * an earlier-numbered migration that arrives later still runs. Migrations a newer release
   * already ran count as done, so an older instance still starts during a rolling deploy
   * (migrations only add).
   *
   * Returns what the migrations that ran had to say about the data they changed (for the
   * operator's log); also kept in `migrationNotes`.
   */
  async migrate(): Promise<string[]> {
    const { migrationLock } = this.options;
    const notes: string[] = [];
    if (migrationLock) await migrationLock(() => this.#migrateNow(notes));
    else await this.#migrateNow(notes);
    this.migrationNotes.push(...notes);
    return notes;
  }

  /** What the migrations this storage ran said (see `migrate`). */
  readonly migrationNotes: string[] = [];

  async #migrateNow(notes: string[]): Promise<void> {
    const known = integrationMigrations(this.options.dialect, notes);
    const fromNewerReleases = (await this.#ranMigrations()).filter((name) => !(name in known));
    const migrations = { ...Object.fromEntries(fromNewerReleases.map((name) => [name, ALREADY_RAN])), ...known };
    const provider: MigrationProvider = { getMigrations: async () => migrations };
    const { error } = await new Migrator({
      db: this.db,
      provider,
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
      allowUnorderedMigrations: true,
    }).migrateToLatest();
    if (error) throw error;
  }

  /** The names in the migration history; none before the first migration. */
  async #ranMigrations(): Promise<string[]> {
    const tables = await this.db.introspection.getTables({ withInternalKyselyTables: true });
    if (!tables.some((table) => table.name === MIGRATION_TABLE)) return [];
    const rows = await this.db
      .selectFrom(sql.table(MIGRATION_TABLE).as('history'))
      .select(sql<string>`name`.as('name'))
      .execute();
    return rows.map((row) => row.name);
  }

  async ping(): Promise<void> {
    await this.db
      .selectFrom(sql.table(MIGRATION_TABLE).as('history'))
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirst();
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
