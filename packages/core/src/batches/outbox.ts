import type { BatchRecord, MissingRow } from '../storage/batches.js';
import type { IntegrationStorage, JsonObject } from '../storage/port.js';
import type { EntityDefinition } from './entities.js';

/**
 * Where the Data Manager queues its changes for the sync outbox, inside its own transactions:
 * the rows a batch wrote (upserts, at commit) and the rows a purge deletes (deletes).
 */
export interface BatchOutbox {
  /** The columns that identify an entity type's rows on the sync target; undefined when it is not synced. */
  key(entityType: string): readonly string[] | undefined;
  enqueue(
    tx: IntegrationStorage,
    tenantId: string,
    entityType: string,
    op: 'upsert' | 'delete',
    records: AsyncIterable<JsonObject>,
  ): Promise<number>;
}

/**
 * Queues a batch's rows for the sync outbox inside `tx`, when the entity is synced at all: the
 * rows it inserted or changed as upserts when it is written (rows it found equal are already on
 * the sync target); the rows its purge deletes as deletes, before they go, and the rows the purge
 * hands to a later batch as upserts (their `batch_id` changes); the rows a provider import
 * removes (`missing`) as deletes, before they go.
 */
export async function queueBatchRows(
  outbox: BatchOutbox | undefined,
  tx: IntegrationStorage,
  entity: EntityDefinition,
  batch: BatchRecord,
  which: 'written' | 'purged' | 'kept' | 'missing',
): Promise<void> {
  const { sink } = entity;
  if (!outbox?.key(entity.type) || !sink.readBatch) return;
  const toRecord = entity.syncRecord ?? ((row: Record<string, unknown>) => row);
  async function* records(pages: AsyncIterable<readonly Record<string, unknown>[]>): AsyncGenerator<JsonObject> {
    for await (const rows of pages) {
      for (const row of rows) yield toRecord(row) as JsonObject;
    }
  }
  const rows = sink.readBatch(tx, { tenantId: batch.tenantId, batchId: batch.id }, which);
  await outbox.enqueue(
    tx,
    batch.tenantId,
    entity.type,
    which === 'purged' || which === 'missing' ? 'delete' : 'upsert',
    records(rows),
  );
}

/** The rows a provider import lacks, listed in its batch. */
export const LISTED_MISSING = 100;

/**
 * The first {@link LISTED_MISSING} rows a provider import lacks, by key and name, read inside its
 * commit (`count` is the sink's count of them all).
 */
export async function readMissing(
  tx: IntegrationStorage,
  entity: EntityDefinition,
  batch: BatchRecord,
  count: number,
): Promise<{ count: number; rows: MissingRow[] }> {
  const rows: MissingRow[] = [];
  const { sink } = entity;
  if (count === 0 || !sink.readBatch) return { count, rows };
  for await (const page of sink.readBatch(tx, { tenantId: batch.tenantId, batchId: batch.id }, 'missing')) {
    for (const row of page) {
      if (rows.length === LISTED_MISSING) break;
      const key = sink.key.map((column) => String(row[column] ?? '')).join(' ');
      rows.push({ key, name: typeof row.name === 'string' ? row.name : null });
    }
    if (rows.length === LISTED_MISSING) break;
  }
  return { count, rows };
}
