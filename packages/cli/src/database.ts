import { existsSync } from 'node:fs';
import type { KyselyStorage } from '@pos/storage-kysely';
import { UsageError } from './usage.js';

export type DatabaseLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

const POSTGRES = /^postgres(ql)?:\/\//i;

/** `--database`, else `DATABASE_URL`, else `POS_DB_PATH`, else `./data/pos.db`: what the reference server reads. */
export function databaseLocation(flag: string | undefined, env: Record<string, string | undefined>): DatabaseLocation {
  const fromEnv = env.DATABASE_URL?.trim();
  if (flag === undefined && fromEnv && !POSTGRES.test(fromEnv)) {
    throw new UsageError(
      'DATABASE_URL must be a postgres:// or postgresql:// URL; unset it to use SQLite (POS_DB_PATH).',
    );
  }
  const value = flag ?? (fromEnv || env.POS_DB_PATH?.trim() || './data/pos.db');
  if (POSTGRES.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new UsageError('The database URL is not a URL: use postgres://user:password@host:5432/database.');
    }
    return { kind: 'postgres', url: value };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new UsageError('--database takes an SQLite file path or a postgres:// URL.');
  }
  return { kind: 'sqlite', path: value };
}

/** Where the data lives, for messages: never the password of a database URL. */
export function describeLocation(location: DatabaseLocation): string {
  if (location.kind === 'sqlite') return `SQLite ${location.path}`;
  const url = new URL(location.url);
  return `PostgreSQL ${url.host}${url.pathname}`;
}

/** Loads only the driver it needs, when a command needs it (`--help` loads neither). */
export async function openStorage(location: DatabaseLocation, options: { migrate: boolean }): Promise<KyselyStorage> {
  if (location.kind === 'sqlite') {
    const { createSqliteStorage } = await import('@pos/storage-sqlite');
    return createSqliteStorage({ filename: location.path, migrate: options.migrate });
  }
  const { createPostgresStorage } = await import('@pos/storage-postgres');
  return createPostgresStorage({ connectionString: location.url, maxConnections: 2, migrate: options.migrate });
}
/** Only `migrate` creates a database: the other commands on a path with no file are a typo. */
export function requireDatabase(location: DatabaseLocation): void {
  if (location.kind === 'sqlite' && location.path !== ':memory:' && !existsSync(location.path)) {
    throw new UsageError(
      `There is no database at ${location.path}: pass --database, set POS_DB_PATH or DATABASE_URL, or create it with "pos-integrations migrate".`,
    );
  }
}
