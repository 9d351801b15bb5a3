import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createKyselyStorage, type IntegrationsDatabase, type KyselyStorage } from '@pos/storage-kysely';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { SqliteBulkLoader, type SqliteBulkLoaderOptions } from './bulk-loader.js';
import { retryWhileBusy } from './busy.js';
import { createPrivateFile } from './private-file.js';
import { withStatementCache } from './statement-cache.js';
import { WalCheckpointer, type WalCheckpointOptions } from './wal-checkpointer.js';

export { SqliteBulkLoader, type SqliteBulkLoaderOptions } from './bulk-loader.js';
export type { WalCheckpointOptions } from './wal-checkpointer.js';

export interface SqliteStorageOptions {
  /** A file path (its folder is created) or `:memory:`. */
  filename: string;
  /** Run migrations on open (default true). */
  migrate?: boolean;
  /** How long a write waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /** Tuning of the Data Manager's bulk imports (file databases only). */
  bulkImport?: SqliteBulkLoaderOptions;
  /** When the write-ahead log is checkpointed, on a thread of its own (file databases only). */
  walCheckpoint?: WalCheckpointOptions;
}

export type SqliteStorage = KyselyStorage & { readonly database: Database.Database };

/**
 * Opens (and by default migrates) an SQLite database for the integrations SDK. Files use WAL so
 * readers never wait for the writer. File databases also get the Data Manager's bulk loader,
 * which imports on a second connection; an in-memory database cannot be shared between
 * connections, so it offers no built-in Data Manager tables.
 */
export async function createSqliteStorage(options: SqliteStorageOptions): Promise<SqliteStorage> {
  if (options.filename !== ':memory:' && options.filename !== '') {
    mkdirSync(dirname(options.filename), { recursive: true });
    // Credentials are sealed, but catalogue, customers and payments are not: owner only.
    createPrivateFile(options.filename);
  }
  const database = new Database(options.filename);
  // 16 KiB pages for new files: the Data Manager's final copy and its checkpoint write a million
  // rows' pages under the write lock, and fewer, larger pages make that 15–35 % faster. It must come
  // before WAL mode, which writes the header; a file that has pages already keeps its page size.
  database.pragma('page_size = 16384');
  // Switching a new file to WAL takes its write lock without the busy timeout (SQLite answers
  // BUSY at once rather than risk a deadlock), so a process opening the same new file at that
  // moment tries again until the first one has switched it.
  const busyTimeoutMs = Math.trunc(options.busyTimeoutMs ?? 5000);
  await retryWhileBusy(() => database.pragma('journal_mode = WAL'), busyTimeoutMs).catch((error: unknown) => {
    database.close();
    throw error;
  });
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${busyTimeoutMs}`);
  const checkpointer = database.memory ? undefined : new WalCheckpointer(database, options.walCheckpoint);
  const db = new Kysely<IntegrationsDatabase>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  });
  const storage = await createKyselyStorage(db, {
    dialect: 'sqlite',
    // After the server's connection closed: the checkpoint thread's is then the last, and its
    // close checkpoints what is left and removes the log.
    ...(checkpointer ? { onClose: () => checkpointer.stop() } : {}),
    ...(database.memory ? {} : { bulkLoader: new SqliteBulkLoader(database.name, options.bulkImport) }),
    migrationLock: (migrate) => migrateAlone(database, migrate),
    ...(options.migrate !== undefined ? { migrate: options.migrate } : {}),
  }).catch(async (error: unknown) => {
    await db.destroy();
    await checkpointer?.stop();
    throw error;
  });
  return Object.assign(storage, { database });
}

/** Migrations of one file in this process, one after the other. */
const migrating = new Map<string, Promise<void>>();

/**
 * Kysely's SQLite migrator takes no lock, so two servers (or a server and `pos-integrations
 * migrate`) opening the same new file together would both run the first migration. Here the
 * migrations run inside one write transaction: another process waits for it (busy timeout) and
 * then finds them done. Connections in this process queue instead, since a wait for the lock
 * would block the event loop the holder needs to finish.
 */
async function migrateAlone(database: Database.Database, migrate: () => Promise<void>): Promise<void> {
  const key = database.memory ? undefined : resolve(database.name);
  const before = (key && migrating.get(key)) || Promise.resolve();
  const run = before.then(async () => {
    database.exec('BEGIN IMMEDIATE');
    try {
      await migrate();
      database.exec('COMMIT');
    } catch (error) {
      if (database.inTransaction) database.exec('ROLLBACK');
      throw error;
    }
  });
  const settled = run.catch(() => {});
  if (key) migrating.set(key, settled);
  try {
    await run;
  } finally {
    if (key && migrating.get(key) === settled) migrating.delete(key);
  }
}
