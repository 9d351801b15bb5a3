import { ExistingKeys, type ImportCounts, type ImportTarget, IntegrationError } from '@pos/integrations-core/storage';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { fillKeys, keyName, REPORTED_KEYS, refuseRepeats } from './keys-sql.js';
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
  /**
   * Rows up to this position (of `order`) were inserted already, in slices committed before the
   * merge (`sliced` rows, all new keys, owned by the batch and hidden until it completes): the
   * merge writes the rest. Repeated keys are still looked for among all the staged rows.
   */
  after?: number;
  sliced?: number;
}

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
  // The batch's own rows (inserted in slices before the merge) are not existing keys: a staged
  // row with one of their keys repeats a key of the file.
  const existing = sql`EXISTS (SELECT 1 FROM ${main} AS m
    WHERE m.tenant_id = ${tenantId} AND ${keyMatch} AND m.batch_id <> ${target.batchId})`;

  if (table.matchBy !== undefined) {
    await refuseRepeats(db, table, staged);
    await fillKeys(db, dialect, table, staged, tenantId);
  }

  // Every staged row went in with the slices: nothing is left to merge or to count again.
  if (staged.after && (await stagedCount(db, staged)) === 0) {
    return { inserted: staged.sliced ?? 0, updated: 0, unchanged: 0 };
  }

  const tenantHasRows =
    (await sql`SELECT 1 AS found FROM ${main} WHERE tenant_id = ${tenantId} LIMIT 1`.execute(db)).rows.length > 0;

  if (tenantHasRows) {
    if (target.mode === 'insert_only') {
      const order = sql`s.${sql.ref(staged.order)}`;
      const found = await sql<{ at: number | string }>`
        SELECT ${order} AS at FROM ${s} AS s WHERE ${existing} AND ${unsliced(staged)}
        ORDER BY ${order} LIMIT ${REPORTED_KEYS}`.execute(db);
      if (found.rows.length > 0) {
        const counted = await sql<{ total: number | string }>`
          SELECT COUNT(*) AS total FROM ${s} AS s WHERE ${existing} AND ${unsliced(staged)}`.execute(db);
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
  return { inserted: inserted + (staged.sliced ?? 0), updated: 0, unchanged: 0 };
}

/**
 * ` AND m.batch_id NOT IN (…)` with the tenant's other running batches, whose rows are not shown
 * yet (`hiddenBatchIds`): the upsert leaves their rows alone. Read once here, as a list: usually
 * there are none, and then the upsert has no condition more. Rows of failed batches are not in
 * it: the loader that leaves hidden rows removes a failed batch's before an import merges.
 */
async function notRunning(
  // biome-ignore lint/suspicious/noExplicitAny: the tables are chosen at run time.
  db: Kysely<any>,
  target: ImportTarget,
): Promise<RawBuilder<unknown>> {
  const running = await sql<{ id: string }>`
    SELECT id FROM data_batches
    WHERE tenant_id = ${target.tenantId} AND status IN ('pending', 'processing') AND id <> ${target.batchId}`.execute(
    db,
  );
  if (running.rows.length === 0) return sql``;
  return sql` AND m.batch_id NOT IN (${sql.join(running.rows.map((row) => sql`${row.id}`))})`;
}

/** The staged rows the merge writes: those after the ones inserted in slices (`s` is the staged table). */
function unsliced(staged: StagedRows): RawBuilder<unknown> {
  return staged.after ? sql`s.${sql.ref(staged.order)} > ${staged.after}` : sql`true`;
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
  // Only SQLite's loader leaves rows of running batches in the table. (On PostgreSQL the list would
  // be read by an earlier statement than the upsert's, which may see a batch completed since.)
  const others = dialect === 'sqlite' ? await notRunning(db, target) : sql``;
  const upsert = sql`
    ${insertStaged(table, staged, target)}
    ON CONFLICT (${conflict}) DO UPDATE
    SET ${assign}, seen_batch_id = ${batchId},
      changed_batch_id = CASE WHEN ${differs} THEN ${batchId} ELSE m.changed_batch_id END
    WHERE m.batch_id <> ${batchId} AND ${notSame(sql`m.seen_batch_id`, sql`${batchId}`)}${others}`;
  const written = await writeOrNameRepeats(db, table, staged, upsert);
  // Every staged row was either inserted or matched a different stored row; fewer means a
  // repeat, or a key another import of the tenant holds with rows it has not shown yet.
  if (written !== (await stagedCount(db, staged))) {
    await refuseRepeats(db, table, staged);
    throw new IntegrationError(
      'CONFLICT',
      `Another import into this table is still running and has rows with some of these ${keyName(table)} values; nothing was imported. Import the file again once it has finished.`,
    );
  }
  const count = async (column: 'batch_id' | 'changed_batch_id') => {
    const found = await sql<{ total: number | string }>`
      SELECT COUNT(*) AS total FROM ${main} WHERE tenant_id = ${tenantId} AND ${sql.ref(column)} = ${batchId}`.execute(
      db,
    );
    return readInteger(found.rows[0]?.total ?? 0);
  };
  const inserted = await count('batch_id');
  const updated = await count('changed_batch_id');
  return { inserted, updated, unchanged: written + (staged.sliced ?? 0) - inserted - updated };
}

/**
 * `INSERT … SELECT` of every staged row not inserted in slices, in file order, as owned by the
 * batch; the table is `m`. (The `WHERE` is there even when it is `true`: SQLite would otherwise
 * read an `ON CONFLICT` after it as a join constraint.)
 */
function insertStaged(table: MergeTable, staged: StagedRows, target: ImportTarget): RawBuilder<unknown> {
  const columns = sql.join(table.columns.map((column) => sql.ref(column)));
  const stagedColumns = sql.join(table.columns.map((column) => sql`s.${sql.ref(column)}`));
  return sql`
    INSERT INTO ${sql.table(table.name)} AS m (tenant_id, batch_id, created_at, ${columns})
    SELECT ${target.tenantId}, ${target.batchId}, ${target.createdAt}, ${stagedColumns}
    FROM ${staged.table} AS s WHERE ${unsliced(staged)}
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
  const counted = await sql<{ total: number | string }>`
    SELECT COUNT(*) AS total FROM ${staged.table} AS s WHERE ${unsliced(staged)}`.execute(db);
  return readInteger(counted.rows[0]?.total ?? 0);
}
