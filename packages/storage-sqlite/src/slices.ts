import type { ImportTarget } from '@pos/integrations-core/storage';
import type { EntityTable, IntegrationsDatabase } from '@pos/storage-kysely';
import { type Kysely, sql } from 'kysely';
import { retryWhileBusy } from './busy.js';

/** How the slices take the write lock: for up to `lockTimeoutMs`, then `timedOut()`. */
export interface SliceLock {
  lockTimeoutMs: number;
  timedOut: () => Error;
}

/** What the slices inserted: the staged rows up to `after` (by rowid), `inserted` rows in all. */
export interface Sliced {
  after: number;
  inserted: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A slice that met a stored key: rolled back, and the merge writes it and the rest. */
class MetStoredKey extends Error {}

/**
 * Inserts the staged rows (`staging.staging`, in rowid order) into the table `sliceRows` at a
 * time, each slice a transaction of its own, with the event loop free in between: the server
 * answers between slices instead of waiting for one long merge. The rows are the batch's
 * (`batch_id`) and stay hidden from readers until it completes (`hiddenBatchIds`). At the first
 * slice in which a row's key is stored already (a re-import, a key repeated in the file) the
 * slice is rolled back and the slicing stops: the merge writes that slice and the rest, as it
 * writes a whole file otherwise.
 */
export async function insertInSlices(
  db: Kysely<IntegrationsDatabase>,
  table: EntityTable,
  target: ImportTarget,
  options: SliceLock & { sliceRows: number },
): Promise<Sliced> {
  const last = await sql<{ last: number | null }>`SELECT MAX(rowid) AS last FROM staging.staging`.execute(db);
  const end = Number(last.rows[0]?.last ?? 0);
  const columns = sql.join(table.columns.map((column) => sql.ref(column)));
  const stagedColumns = sql.join(table.columns.map((column) => sql`s.${sql.ref(column)}`));
  let after = 0;
  let inserted = 0;
  while (after < end) {
    const upTo = Math.min(after + options.sliceRows, end);
    try {
      inserted += await retryWhileBusy(
        () =>
          db.transaction().execute(async (trx) => {
            const range = sql`s.rowid > ${after} AND s.rowid <= ${upTo}`;
            const counted = await sql<{ rows: number }>`
              SELECT COUNT(*) AS rows FROM staging.staging AS s WHERE ${range}`.execute(trx);
            const expected = Number(counted.rows[0]?.rows ?? 0);
            const result = await sql`
              INSERT INTO ${sql.table(table.name)} AS m (tenant_id, batch_id, created_at, ${columns})
              SELECT ${target.tenantId}, ${target.batchId}, ${target.createdAt}, ${stagedColumns}
              FROM staging.staging AS s WHERE ${range} ORDER BY s.rowid
              ON CONFLICT DO NOTHING`.execute(trx);
            const written = Number(result.numAffectedRows ?? 0n);
            if (written !== expected) throw new MetStoredKey();
            return written;
          }),
        options.lockTimeoutMs,
        options.timedOut,
      );
    } catch (error) {
      if (error instanceof MetStoredKey) break;
      throw error;
    }
    after = upTo;
    await nextTurn();
  }
  return { after, inserted };
}

/**
 * Removes the rows the tenant's failed batches left in the table (hidden, as the batches that
 * inserted them in slices failed or were taken for dead before completing), a slice at a time:
 * before an import merges, so that it never takes them for stored rows.
 */
export function removeFailedRows(
  db: Kysely<IntegrationsDatabase>,
  table: EntityTable,
  target: ImportTarget,
  options: SliceLock & { sliceRows: number },
): Promise<void> {
  return removeRows(
    db,
    table,
    target.tenantId,
    sql`IN (SELECT b.id FROM data_batches AS b WHERE b.tenant_id = ${target.tenantId} AND b.status = 'failed')`,
    options,
  );
}

/** Removes the rows the batch inserted in slices (its merge failed), a slice at a time. */
export function removeSliced(
  db: Kysely<IntegrationsDatabase>,
  table: EntityTable,
  target: ImportTarget,
  options: SliceLock & { sliceRows: number },
): Promise<void> {
  return removeRows(db, table, target.tenantId, sql`= ${target.batchId}`, options);
}

async function removeRows(
  db: Kysely<IntegrationsDatabase>,
  table: EntityTable,
  tenantId: string,
  batch: ReturnType<typeof sql>,
  options: SliceLock & { sliceRows: number },
): Promise<void> {
  const name = sql.table(table.name);
  for (;;) {
    const removed = await retryWhileBusy(
      async () => {
        const result = await sql`DELETE FROM ${name} WHERE id IN (
          SELECT id FROM ${name} WHERE tenant_id = ${tenantId} AND batch_id ${batch} LIMIT ${options.sliceRows})`.execute(
          db,
        );
        return Number(result.numAffectedRows ?? 0n);
      },
      options.lockTimeoutMs,
      options.timedOut,
    );
    if (removed < options.sliceRows) return;
    await nextTurn();
  }
}
