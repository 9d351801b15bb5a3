import {
  ExistingKeys,
  type ImportCounts,
  type ImportTarget,
  type RepeatedKey,
  RepeatedKeys,
} from '@pos/integrations-core/storage';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { countMissing } from './missing-sql.js';
import { readInteger } from './numbers.js';
import type { SqlDialectName } from './schema.js';

/** What the merge needs to know about a Data Manager table (see `ENTITY_TABLES`). */
export interface MergeTable {
  name: string;
  /** Every row column, in CSV order (the staged table has exactly these). */
  columns: readonly string[];
  /** The columns that identify a row within a tenant. */
  key: readonly string[];
  /** What a file calls the key column, for messages (default its name). */
  keyInFile?: string;
  /**
   * For a table whose single key column may be left empty by a file: a staged row without a key
   * takes the key of the tenant's oldest row with the same value in this column (compared without
   * case); a row still without one gets a new random key.
   */
  matchBy?: string;
}

/** Where the import's rows wait: a table with the merge table's columns and rows in file order. */
export interface StagedRows {
  /** The staged table, already quoted or qualified (`staging.staging`, `pg_temp.pos_import`). */
  table: RawBuilder<unknown>;
  /** A column giving the file order (`rowid`, a serial). */
  order: string;
}

/** The first rows an import reports as existing or repeated. */
const REPORTED_KEYS = 100;

const affected = (result: { numAffectedRows?: bigint }) => readInteger(result.numAffectedRows ?? 0n);

/**
 * Merges staged rows into a Data Manager table in the caller's transaction, by the table's key:
 * rows with a new key are inserted (in file order, owned by this batch: `batch_id`, with no
 * other mark); rows whose key exists update the stored row when a value differs and are
 * otherwise left as they are. Either way the stored row is marked as held by this batch
 * (`seen_batch_id`); a row whose values this batch changed is marked `changed_batch_id` too. In
 * `insert_only` mode an existing key throws {@link ExistingKeys} before anything is written.
 *
 * Two staged rows with one key throw {@link RepeatedKeys}. That costs the common case nothing: the
 * table's unique key refuses the insert of a repeated new key, and in upsert mode a repeated key
 * leaves fewer rows written than were staged (or, in PostgreSQL, is refused by the upsert); only
 * then are the staged rows grouped by key to name the rows. (A table with `matchBy` is checked up
 * front, before its keys are filled in.)
 *
 * A column of `target.keep` whose staged value is null keeps the stored value. With a
 * `target.source` the counts include the rows the source no longer has (`missing`).
 */
export async function mergeStaged(
  // biome-ignore lint/suspicious/noExplicitAny: the tables are chosen at run time.
  db: Kysely<any>,
  dialect: SqlDialectName,
  table: MergeTable,
  staged: StagedRows,
  target: ImportTarget,
): Promise<ImportCounts> {
  const counts = await mergeRows(db, dialect, table, staged, target);
  const missing = await countMissing(db, table, target);
  return missing === undefined ? counts : { ...counts, missing };
}

async function mergeRows(
  // biome-ignore lint/suspicious/noExplicitAny: the tables are chosen at run time.
  db: Kysely<any>,
  dialect: SqlDialectName,
  table: MergeTable,
  staged: StagedRows,
  target: ImportTarget,
): Promise<ImportCounts> {
  const main = sql.table(table.name);
  const s = staged.table;
  const { tenantId } = target;
  const keyMatch = sql.join(
    table.key.map((column) => sql`m.${sql.ref(column)} = s.${sql.ref(column)}`),
    sql` AND `,
  );
  const existing = sql`EXISTS (SELECT 1 FROM ${main} AS m WHERE m.tenant_id = ${tenantId} AND ${keyMatch})`;

  if (table.matchBy !== undefined) {
    await refuseRepeats(db, table, staged);
    await fillKeys(db, dialect, table, staged, tenantId);
  }

  const tenantHasRows =
    (await sql`SELECT 1 AS found FROM ${main} WHERE tenant_id = ${tenantId} LIMIT 1`.execute(db)).rows.length > 0;

  if (tenantHasRows) {
    if (target.mode === 'insert_only') {
      const order = sql`s.${sql.ref(staged.order)}`;
      const found = await sql<{ at: number | string }>`
        SELECT ${order} AS at FROM ${s} AS s WHERE ${existing} ORDER BY ${order} LIMIT ${REPORTED_KEYS}`.execute(db);
      if (found.rows.length > 0) {
        const counted = await sql<{ total: number | string }>`
          SELECT COUNT(*) AS total FROM ${s} AS s WHERE ${existing}`.execute(db);
        throw new ExistingKeys(
          found.rows.map((row) => readInteger(row.at) - 1),
          readInteger(counted.rows[0]?.total ?? 0),
          keyName(table),
        );
      }
    } else {
      return upsertRows(db, { dialect, table, staged, target });
    }
  }

  const inserted = await writeOrNameRepeats(db, table, staged, insertStaged(table, staged, target));
  return { inserted, updated: 0, unchanged: 0 };
}

/**
 * Upsert mode into a tenant that has rows: one `INSERT … ON CONFLICT DO UPDATE` over the staged
 * rows (an `UPDATE … FROM` first would make SQLite materialise the whole join before writing).
 * A staged row whose key is stored updates that row when a value differs and marks it as held
 * (`seen_batch_id`) and, when changed, as changed by this batch. A key the statement already
 * wrote (a repeat within the file) is skipped in SQLite and refused by PostgreSQL; either way the
 * staged rows are then grouped by key to name the repeats.
 */
async function upsertRows(
  // biome-ignore lint/suspicious/noExplicitAny: the tables are chosen at run time.
  db: Kysely<any>,
  merge: { dialect: SqlDialectName; table: MergeTable; staged: StagedRows; target: ImportTarget },
): Promise<ImportCounts> {
  const { dialect, table, staged, target } = merge;
  const main = sql.table(table.name);
  const { tenantId, batchId } = target;
  const values = table.columns.filter((column) => !table.key.includes(column));
  const keep = new Set(target.keep ?? []);
  const notSame = (a: RawBuilder<unknown>, b: RawBuilder<unknown>) =>
    dialect === 'sqlite' ? sql`${a} IS NOT ${b}` : sql`${a} IS DISTINCT FROM ${b}`;
  const differs = sql.join(
    values.map((column) => {
      const [stored, given] = [sql`m.${sql.ref(column)}`, sql`excluded.${sql.ref(column)}`];
      return keep.has(column) ? sql`(${given} IS NOT NULL AND ${notSame(stored, given)})` : notSame(stored, given);
    }),
    sql` OR `,
  );
  const assign = sql.join(
    values.map((column) =>
      keep.has(column)
        ? sql`${sql.ref(column)} = COALESCE(excluded.${sql.ref(column)}, m.${sql.ref(column)})`
        : sql`${sql.ref(column)} = excluded.${sql.ref(column)}`,
    ),
  );
  const conflict = sql.join(['tenant_id', ...table.key].map((column) => sql.ref(column)));
  const upsert = sql`
    ${insertStaged(table, staged, target)}
    ON CONFLICT (${conflict}) DO UPDATE
    SET ${assign}, seen_batch_id = ${batchId},
      changed_batch_id = CASE WHEN ${differs} THEN ${batchId} ELSE m.changed_batch_id END
    WHERE m.batch_id <> ${batchId} AND ${notSame(sql`m.seen_batch_id`, sql`${batchId}`)}`;
  const written = await writeOrNameRepeats(db, table, staged, upsert);
  // Every staged row was either inserted or matched a different stored row; fewer means a repeat.
  if (written !== (await stagedCount(db, staged))) await refuseRepeats(db, table, staged);
  const count = async (column: 'batch_id' | 'changed_batch_id') => {
    const found = await sql<{ total: number | string }>`
      SELECT COUNT(*) AS total FROM ${main} WHERE tenant_id = ${tenantId} AND ${sql.ref(column)} = ${batchId}`.execute(
      db,
    );
    return readInteger(found.rows[0]?.total ?? 0);
  };
  const inserted = await count('batch_id');
  const updated = await count('changed_batch_id');
  return { inserted, updated, unchanged: written - inserted - updated };
}

/**
 * `INSERT … SELECT` of every staged row, in file order, as owned by the batch; the table is `m`.
 * (`WHERE true`: SQLite would otherwise read an `ON CONFLICT` after it as a join constraint.)
 */
function insertStaged(table: MergeTable, staged: StagedRows, target: ImportTarget): RawBuilder<unknown> {
  const columns = sql.join(table.columns.map((column) => sql.ref(column)));
  const stagedColumns = sql.join(table.columns.map((column) => sql`s.${sql.ref(column)}`));
  return sql`
    INSERT INTO ${sql.table(table.name)} AS m (tenant_id, batch_id, created_at, ${columns})
    SELECT ${target.tenantId}, ${target.batchId}, ${target.createdAt}, ${stagedColumns}
    FROM ${staged.table} AS s WHERE true
    ORDER BY s.${sql.ref(staged.order)}`;
}

/**
 * Runs the statement that writes the staged rows and returns how many rows it wrote. Inside a
 * savepoint, so that the staged rows can still be read after the table's unique key refused a
 * repeated key (PostgreSQL refuses every statement of a transaction after a failed one): the
 * repeats are then named ({@link RepeatedKeys}).
 */
async function writeOrNameRepeats(
  // biome-ignore lint/suspicious/noExplicitAny: the tables are chosen at run time.
  db: Kysely<any>,
  table: MergeTable,
  staged: StagedRows,
  statement: RawBuilder<unknown>,
): Promise<number> {
  await sql`SAVEPOINT pos_merge_write`.execute(db);
  try {
    const written = affected(await statement.execute(db));
    await sql`RELEASE SAVEPOINT pos_merge_write`.execute(db);
    return written;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT pos_merge_write`.execute(db);
    await refuseRepeats(db, table, staged);
    throw error;
  }
}

async function stagedCount(
  // biome-ignore lint/suspicious/noExplicitAny: the tables are chosen at run time.
  db: Kysely<any>,
  staged: StagedRows,
): Promise<number> {
  const counted = await sql<{ total: number | string }>`SELECT COUNT(*) AS total FROM ${staged.table}`.execute(db);
  return readInteger(counted.rows[0]?.total ?? 0);
}

/** What a file calls the table's key. */
function keyName(table: MergeTable): string {
  return table.keyInFile ?? table.key.join(', ');
}

/**
 * Throws {@link RepeatedKeys} when two staged rows have the same key, or (with `matchBy`) two rows
 * without a key the same `matchBy` value, ignoring case: the first 100 later rows of each such
 * group, each with the position of the group's first row.
 */
async function refuseRepeats(
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
async function fillKeys(
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
