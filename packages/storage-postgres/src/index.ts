import { createKyselyStorage, type IntegrationsDatabase, type KyselyStorage } from '@pos/storage-kysely';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';

export type { PostgresPool } from 'kysely';

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
  if (options.pool) pool = borrowed(options.pool);
  else if (options.connectionString) pool = ownPool(options.connectionString, options.maxConnections ?? 10);
  else throw new TypeError('createPostgresStorage needs a connectionString (postgres://…) or a pool.');
  const db = new Kysely<IntegrationsDatabase>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
  try {
    return await createKyselyStorage(db, {
      dialect: 'postgres',
      ...(options.migrate !== undefined ? { migrate: options.migrate } : {}),
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
