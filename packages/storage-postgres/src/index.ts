import { createKyselyStorage, type IntegrationsDatabase, type KyselyStorage } from '@pos/storage-kysely';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { type ImportConnection, PostgresBulkLoader } from './bulk-loader.js';

export type { PostgresPool } from 'kysely';
export { type ImportConnection, PostgresBulkLoader } from './bulk-loader.js';

export interface PostgresStorageOptions {
  /** `postgres://user:password@host:5432/database` (or `postgresql://…`); the storage opens its own pool. */
  connectionString?: string;
  /**
   * A `pg` Pool you own, instead of `connectionString`. The storage borrows its connections and
   * leaves it open on `close()`.
   */
  pool?: PostgresPool;
  /** Most connections the storage's own pool opens (default 10); ignored with `pool`. */
  maxConnections?: number;
  /** Run migrations on open (default true). Safe when several instances start at once. */
  migrate?: boolean;
}

export type PostgresStorage = KyselyStorage;

function ownPool(connectionString: string, maxConnections: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: maxConnections, application_name: 'pos-integrations' });
  // An idle connection that breaks (a database restart, a network cut) is dropped by the pool and
  // the next query opens a fresh one; without a listener the error would end the process.
  pool.on('error', () => {});
  return pool;
}

/**
 * A Data Manager import keeps a connection from its first row to its commit. With its own pool the
 * storage opens a separate connection per import, so imports never starve the pool the server's
 * requests (and the imports' own heartbeats) need.
 */
function importConnections(connectionString: string): () => Promise<ImportConnection> {
  return async () => {
    const client = new pg.Client({ connectionString, application_name: 'pos-integrations-import' });
    // A connection lost mid-import fails the import's next write or its commit, not the process.
    client.on('error', () => {});
    await client.connect();
    return { client, release: () => client.end() };
  };
}

/** With a caller's pool, imports borrow from it like any query (size it for them). */
function pooledImportConnections(pool: PostgresPool): () => Promise<ImportConnection> {
  return async () => {
    const client = (await pool.connect()) as unknown as pg.PoolClient;
    const ignore = () => {};
    client.on('error', ignore);
    return {
      client,
      release: (error) => {
        client.off('error', ignore);
        // A connection that held a failed import is closed (PostgreSQL rolls its transaction back).
        client.release(error ?? false);
      },
    };
  };
}

/** Leaves a caller's pool open when the storage closes: whoever made it ends it. */
function borrowed(pool: PostgresPool): PostgresPool {
  return { connect: () => pool.connect(), end: async () => {} };
}

/**
 * Opens (and by default migrates) the integrations schema in PostgreSQL. Several processes may
 * share one database: migrations take an advisory lock, and every store's guarantee (single-use
 * OAuth states, compare-and-swap credential updates) holds across connections.
 */
export async function createPostgresStorage(options: PostgresStorageOptions): Promise<PostgresStorage> {
  if (options.pool && options.connectionString) {
    throw new TypeError('createPostgresStorage takes either a connectionString or a pool, not both.');
  }
  let pool: PostgresPool;
  let imports: () => Promise<ImportConnection>;
  if (options.pool) {
    pool = borrowed(options.pool);
    imports = pooledImportConnections(options.pool);
  } else if (options.connectionString) {
    pool = ownPool(options.connectionString, options.maxConnections ?? 10);
    imports = importConnections(options.connectionString);
  } else {
    throw new TypeError('createPostgresStorage needs a connectionString (postgres://…) or a pool.');
  }
  const db = new Kysely<IntegrationsDatabase>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
  try {
    return await createKyselyStorage(db, {
      dialect: 'postgres',
      bulkLoader: new PostgresBulkLoader(imports),
      ...(options.migrate !== undefined ? { migrate: options.migrate } : {}),
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
