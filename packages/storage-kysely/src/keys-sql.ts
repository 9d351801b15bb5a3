import { type RepeatedKey, RepeatedKeys } from '@pos/integrations-core/storage';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { MergeTable, StagedRows } from './merge-sql.js';
import { readInteger } from './numbers.js';
import type { SqlDialectName } from './schema.js';

// A merge's keys: naming the rows of a file that repeat a key, and filling in the keys a file
// left empty (`MergeTable.matchBy`).

/** The first rows an import reports as existing or repeated. */
export const REPORTED_KEYS = 100;

/** What a file calls the table's key. */
export function keyName(table: MergeTable): string {
  return table.keyInFile ?? table.key.join(', ');
}

/**
 * Throws {@link RepeatedKeys} when two staged rows have the same key, or (with `matchBy`) two rows
 * without a key the same `matchBy` value, ignoring case: the first 100 later rows of each such
 * group, each with the position of the group's first row.
 */
export async function refuseRepeats(
  // biome-ignore lint/suspicious/noExplicitAny: the tables are chosen at run time.
  db: Kysely<any>,
  table: MergeTable,
  staged: StagedRows,
): Promise<void> {
  const keys = table.key.map((column) => sql`${sql.ref(column)}`);
  const keyed = sql.join(
    table.key.map((column) => sql`${sql.ref(column)} IS NOT NULL`),
    sql` AND `,
  );
  const groups: Array<{
    values: RawBuilder<unknown>[];
    where: RawBuilder<unknown>;
    column: string;
    match: 'key' | 'other';
  }> = [{ values: keys, where: keyed, column: keyName(table), match: 'key' }];
  if (table.matchBy !== undefined) {
    const unkeyed = sql.join(
      table.key.map((column) => sql`${sql.ref(column)} IS NULL`),
      sql` AND `,
    );
    groups.push({
      values: [sql`lower(${sql.ref(table.matchBy)})`],
      where: sql`${unkeyed} AND ${sql.ref(table.matchBy)} IS NOT NULL`,
      column: table.matchBy,
      match: 'other',
    });
  }
  const repeats: RepeatedKey[] = [];
  let count = 0;
  const order = sql.ref(staged.order);
  for (const group of groups) {
    const names = group.values.map((_, index) => `k${index}`);
    const select = sql.join(group.values.map((value, index) => sql`${value} AS ${sql.ref(names[index] as string)}`));
    const grouped = sql`
      SELECT ${select}, MIN(${order}) AS first, COUNT(*) AS n
      FROM ${staged.table} WHERE ${group.where}
      GROUP BY ${sql.join(group.values)} HAVING COUNT(*) > 1`;
    const counted = await sql<{ total: number | string | null }>`
      SELECT SUM(n - 1) AS total FROM (${grouped}) AS g`.execute(db);
    const total = readInteger(counted.rows[0]?.total ?? 0);
    if (total === 0) continue;
    count += total;
    const same = sql.join(
      group.values.map((value, index) => sql`${value} = g.${sql.ref(names[index] as string)}`),
      sql` AND `,
    );
    const found = await sql<Record<string, unknown>>`
      SELECT s.${order} AS at, g.first AS first, ${sql.join(names.map((name) => sql`g.${sql.ref(name)}`))}
      FROM ${staged.table} AS s JOIN (${grouped}) AS g ON ${same}
      WHERE ${group.where} AND s.${order} > g.first
      ORDER BY s.${order} LIMIT ${REPORTED_KEYS}`.execute(db);
    for (const row of found.rows) {
      const values = names.map((name) => row[name]);
      repeats.push({
        row: readInteger(row.at as number) - 1,
        first: readInteger(row.first as number) - 1,
        column: group.column,
        value: values.length === 1 ? String(values[0]) : JSON.stringify(values),
        match: group.match,
      });
    }
  }
  if (count > 0) throw new RepeatedKeys(repeats.sort((a, b) => a.row - b.row).slice(0, REPORTED_KEYS), count);
}

/** Gives staged rows without a key the key of a stored row with the same `matchBy` value, or a new one. */
export async function fillKeys(
  // biome-ignore lint/suspicious/noExplicitAny: the tables are chosen at run time.
  db: Kysely<any>,
  dialect: SqlDialectName,
  table: MergeTable,
  staged: StagedRows,
  tenantId: string,
): Promise<void> {
  const [key] = table.key;
  if (table.key.length !== 1 || key === undefined || table.matchBy === undefined) {
    throw new Error(`${table.name}: matching by another column needs a key of one column`);
  }
  const main = sql.table(table.name);
  const k = sql.ref(key);
  const by = sql.ref(table.matchBy);
  await sql`
    UPDATE ${staged.table} SET ${k} = (
      SELECT m.${k} FROM ${main} AS m
      WHERE m.tenant_id = ${tenantId} AND lower(m.${by}) = lower(${staged.table}.${by})
      ORDER BY m.id LIMIT 1)
    WHERE ${k} IS NULL AND ${by} IS NOT NULL`.execute(db);
  const fresh =
    dialect === 'sqlite'
      ? sql`lower(hex(randomblob(8)))`
      : sql`substr(replace(gen_random_uuid()::text, '-', ''), 1, 16)`;
  await sql`UPDATE ${staged.table} SET ${k} = ${fresh} WHERE ${k} IS NULL`.execute(db);
  const twice = await sql<Record<string, unknown>>`
    SELECT ${k} FROM ${staged.table} GROUP BY ${k} HAVING COUNT(*) > 1 LIMIT 1`.execute(db);
  const repeated = twice.rows[0]?.[key];
  if (repeated !== undefined) {
    const name = table.keyInFile ?? key;
    throw new Error(
      `Two rows of the file are the same record: one has ${name} "${String(repeated)}", another has no ${name} ` +
        `but the ${table.matchBy} of that record. Give the second row that ${name}, or remove one of them.`,
    );
  }
}
