import type Database from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * The database as Kysely sees it, with prepared statements kept by SQL text. Kysely prepares
 * every query afresh, and preparing costs more than running a small query; a webhook or a
 * status read runs the same few statements over and over. A statement still being iterated (a
 * streamed query) is busy: the same SQL then gets a fresh statement of its own.
 */
export function withStatementCache(database: Database.Database, size = 256): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached?.busy) return database.prepare(sql);
      if (cached) {
        // Most recently used last, so the oldest is the first key.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}
