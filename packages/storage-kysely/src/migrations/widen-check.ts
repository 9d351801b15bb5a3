import { type Kysely, sql } from 'kysely';
import type { SqlDialectName } from '../schema.js';

/** A column's CHECK (`column IN (…)`) and the values it must allow from now on. */
export interface CheckedColumn {
  table: string;
  column: string;
  /** Matches the list of values in the table's stored definition that the seed created. */
  seedList: RegExp;
  values: readonly string[];
}

/**
 * Lets a column's CHECK (`IN (…)`) allow more values. Postgres replaces the constraint (named
 * `<table>_<column>_check`, as Postgres names a column's CHECK); SQLite cannot alter one, so the
 * table is rebuilt from its own stored definition with the longer list (rows, columns and indexes
 * kept as they are). Skipped when the stored definition no longer has the seed's list.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
export async function widenCheck(db: Kysely<any>, dialect: SqlDialectName, checked: CheckedColumn): Promise<void> {
  const { table, column, values } = checked;
  if (dialect === 'postgres') {
    const name = `${table}_${column}_check`;
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT IF EXISTS ${sql.id(name)}`.execute(db);
    await sql`ALTER TABLE ${sql.table(table)} ADD CONSTRAINT ${sql.id(name)} CHECK (${sql.ref(column)} IN (${sql.join(
      values.map((value) => sql.lit(value)),
    )}))`.execute(db);
    return;
  }
  const { rows } = await sql<{
    sql: string;
  }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ${table}`.execute(db);
  const definition = rows[0]?.sql;
  if (!definition || !checked.seedList.test(definition)) return;
  const indexes = await sql<{ sql: string | null }>`
    SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ${table} AND sql IS NOT NULL`.execute(db);
  const rebuiltName = `${table}_rebuilt`;
  const list = `(${values.map((value) => `'${value}'`).join(', ')})`;
  const rebuilt = definition
    .replace(checked.seedList, list)
    .replace(new RegExp(`^CREATE TABLE\\s+("?${table}"?)`, 'i'), `CREATE TABLE "${rebuiltName}"`);
  await sql.raw(rebuilt).execute(db);
  await sql`INSERT INTO ${sql.table(rebuiltName)} SELECT * FROM ${sql.table(table)}`.execute(db);
  await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  await sql`ALTER TABLE ${sql.table(rebuiltName)} RENAME TO ${sql.table(table)}`.execute(db);
  for (const index of indexes.rows) if (index.sql) await sql.raw(index.sql).execute(db);
}
