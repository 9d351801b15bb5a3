import type { ImportTarget } from '@pos/integrations-core/storage';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { hiddenBatchIds } from './hidden-sql.js';
import type { MergeTable } from './merge-sql.js';
import { readInteger } from './numbers.js';

/**
 * A provider import's missing rows, as a condition on the table aliased `m`: the tenant's rows
 * held last (`seen_batch_id`, else the batch that inserted them) by an earlier batch with the
 * same source, which this batch does not hold. A row a later upload held again belongs to that
 * upload and is not missing, and rows another batch has not shown yet (`hiddenBatchIds`) are
 * not either. Without a `source`, the batch's own source is read from the
 * `data_batches` table.
 */
export function missingCondition(tenantId: string, batchId: string, source?: string): RawBuilder<unknown> {
  const holder = sql`COALESCE(m.seen_batch_id, m.batch_id)`;
  const sameSource =
    source !== undefined
      ? sql`${source}`
      : sql`(SELECT b.source FROM data_batches AS b WHERE b.tenant_id = ${tenantId} AND b.id = ${batchId})`;
  return sql`m.tenant_id = ${tenantId} AND ${holder} <> ${batchId} AND ${holder} IN (
    SELECT e.id FROM data_batches AS e WHERE e.tenant_id = ${tenantId} AND e.source = ${sameSource})
    AND m.batch_id NOT IN ${hiddenBatchIds(tenantId)}`;
}

/** How many rows an import with a `source` lacks (see {@link missingCondition}); undefined without one. */
export async function countMissing(
  // biome-ignore lint/suspicious/noExplicitAny: the tables are chosen at run time.
  db: Kysely<any>,
  table: MergeTable,
  target: ImportTarget,
): Promise<number | undefined> {
  if (target.source === undefined) return undefined;
  const counted = await sql<{ total: number | string }>`
    SELECT COUNT(*) AS total FROM ${sql.table(table.name)} AS m
    WHERE ${missingCondition(target.tenantId, target.batchId, target.source)}`.execute(db);
  return readInteger(counted.rows[0]?.total ?? 0);
}

/**
 * Deletes the rows an import with `removeMissing` lacks, in the caller's transaction: after the
 * import's `finish`, which read them (their deletes for the sync target, the batch's list).
 */
export async function deleteMissing(
  // biome-ignore lint/suspicious/noExplicitAny: the tables are chosen at run time.
  db: Kysely<any>,
  table: MergeTable,
  target: ImportTarget,
): Promise<void> {
  if (target.source === undefined || !target.removeMissing) return;
  await sql`DELETE FROM ${sql.table(table.name)} WHERE id IN (
    SELECT m.id FROM ${sql.table(table.name)} AS m
    WHERE ${missingCondition(target.tenantId, target.batchId, target.source)})`.execute(db);
}
