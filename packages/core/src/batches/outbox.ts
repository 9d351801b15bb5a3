import type { BatchRecord } from '../storage/batches.js';
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
 * hands to a later batch as upserts (their `batch_id` changes).
 */
export async function queueBatchRows(
  outbox: BatchOutbox | undefined,
  tx: IntegrationStorage,
  entity: EntityDefinition,
  batch: BatchRecord,
  which: 'written' | 'purged' | 'kept',
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
  await outbox.enqueue(tx, batch.tenantId, entity.type, which === 'purged' ? 'delete' : 'upsert', records(rows));
}
