import type {
  BatchCompletion,
  BatchFailure,
  BatchListQuery,
  BatchProgress,
  BatchRecord,
  BatchStatus,
  BatchStore,
  BatchType,
  ImportMode,
  NewBatch,
} from '@pos/integrations-core/storage';
import type { Kysely, Selectable } from 'kysely';
import { readInteger } from '../numbers.js';
import type { DataBatchesTable, IntegrationsDatabase } from '../schema.js';

const nullableInteger = (value: number | string | bigint | null) => (value === null ? null : readInteger(value));

function toRecord(row: Selectable<DataBatchesTable>): BatchRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.batch_type as BatchType,
    entityType: row.entity_type,
    status: row.status as BatchStatus,
    recordCount: readInteger(row.record_count),
    insertedCount: nullableInteger(row.inserted_count),
    updatedCount: nullableInteger(row.updated_count),
    unchangedCount: nullableInteger(row.unchanged_count),
    mode: row.mode as ImportMode | null,
    processedCount: readInteger(row.processed_count),
    errorMessage: row.error_message,
    errors: row.errors === null ? [] : JSON.parse(row.errors),
    errorCount: readInteger(row.error_count),
    preset: row.preset,
    totalBytes: nullableInteger(row.total_bytes),
    bytesRead: nullableInteger(row.bytes_read),
    unknownColumns: row.unknown_columns === null ? [] : JSON.parse(row.unknown_columns),
    targetBatchId: row.target_batch_id,
    purgedBy: row.purged_by,
    source: row.source,
    totalCount: nullableInteger(row.total_count),
    missingCount: nullableInteger(row.missing_count),
    missing: row.missing === null ? [] : JSON.parse(row.missing),
    removeMissing: Boolean(row.remove_missing),
    heartbeatAt: row.heartbeat_at,
    idempotencyKey: row.idempotency_key,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

const ACTIVE: BatchStatus[] = ['pending', 'processing'];

export class KyselyBatchStore implements BatchStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  async insert(batch: NewBatch): Promise<BatchRecord> {
    const key = batch.idempotencyKey ?? null;
    const row = await this.#db
      .insertInto('data_batches')
      .values({
        id: batch.id,
        tenant_id: batch.tenantId,
        batch_type: batch.type,
        entity_type: batch.entityType,
        record_count: batch.recordCount ?? 0,
        processed_count: batch.processedCount ?? 0,
        status: batch.status,
        error_message: null,
        errors: null,
        error_count: 0,
        preset: batch.preset,
        total_bytes: batch.totalBytes,
        bytes_read: batch.bytesRead ?? null,
        target_batch_id: batch.targetBatchId,
        created_at: batch.createdAt,
        completed_at: batch.completedAt ?? null,
        heartbeat_at: batch.heartbeatAt ?? null,
        purged_by: null,
        unknown_columns: null,
        idempotency_key: key,
        inserted_count: null,
        updated_count: null,
        unchanged_count: null,
        mode: batch.mode ?? null,
        source: batch.source ?? null,
        total_count: null,
        missing_count: null,
        missing: null,
        remove_missing: batch.source ? Number(batch.removeMissing ?? false) : null,
      })
      // A reused key inserts nothing (the unique index decides, also between racing processes).
      .onConflict((conflict) => conflict.columns(['tenant_id', 'idempotency_key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) return toRecord(row);
    const earlier = await this.#db
      .selectFrom('data_batches')
      .selectAll()
      .where('tenant_id', '=', batch.tenantId)
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    return toRecord(earlier);
  }

  async get(tenantId: string, id: string): Promise<BatchRecord | undefined> {
    const row = await this.#db
      .selectFrom('data_batches')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async list(query: BatchListQuery): Promise<BatchRecord[]> {
    let select = this.#db.selectFrom('data_batches').selectAll().where('tenant_id', '=', query.tenantId);
    if (query.entityType !== undefined) select = select.where('entity_type', '=', query.entityType);
    // Ids are time-ordered, so they break ties between batches created in the same millisecond.
    const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map(toRecord);
  }

  async progress(tenantId: string, id: string, progress: BatchProgress): Promise<boolean> {
    const result = await this.#db
      .updateTable('data_batches')
      .set({
        processed_count: progress.processedCount,
        bytes_read: progress.bytesRead,
        heartbeat_at: progress.heartbeatAt,
        ...(progress.totalCount !== undefined ? { total_count: progress.totalCount } : {}),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .executeTakeFirst();
    return readInteger(result.numUpdatedRows) === 1;
  }

  async complete(tenantId: string, id: string, completion: BatchCompletion): Promise<boolean> {
    const result = await this.#db
      .updateTable('data_batches')
      .set({
        status: 'completed',
        record_count: completion.recordCount,
        inserted_count: completion.counts?.inserted ?? null,
        updated_count: completion.counts?.updated ?? null,
        unchanged_count: completion.counts?.unchanged ?? null,
        processed_count: completion.processedCount,
        bytes_read: completion.bytesRead,
        preset: completion.preset,
        unknown_columns: JSON.stringify(completion.unknownColumns),
        ...(completion.totalCount !== undefined ? { total_count: completion.totalCount } : {}),
        ...(completion.missing
          ? { missing_count: completion.missing.count, missing: JSON.stringify(completion.missing.rows) }
          : {}),
        completed_at: completion.completedAt,
        heartbeat_at: completion.completedAt,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .executeTakeFirst();
    return readInteger(result.numUpdatedRows) === 1;
  }

  async fail(tenantId: string, id: string, failure: BatchFailure): Promise<boolean> {
    const result = await this.#db
      .updateTable('data_batches')
      .set({
        status: 'failed',
        record_count: 0,
        processed_count: failure.processedCount,
        bytes_read: failure.bytesRead,
        preset: failure.preset,
        unknown_columns: JSON.stringify(failure.unknownColumns),
        error_message: failure.errorMessage,
        errors: JSON.stringify(failure.errors),
        error_count: failure.errorCount,
        ...(failure.totalCount !== undefined ? { total_count: failure.totalCount } : {}),
        completed_at: failure.completedAt,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', 'in', ACTIVE)
      .executeTakeFirst();
    return readInteger(result.numUpdatedRows) === 1;
  }

  async markPurged(tenantId: string, id: string, purgeBatchId: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('data_batches')
      .set({ purged_by: purgeBatchId })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('purged_by', 'is', null)
      .executeTakeFirst();
    return readInteger(result.numUpdatedRows) === 1;
  }

  async failStale(staleBefore: string, failure: { errorMessage: string; completedAt: string }): Promise<BatchRecord[]> {
    // One UPDATE … RETURNING: concurrent recoveries in several processes each get disjoint rows.
    const rows = await this.#db
      .updateTable('data_batches')
      .set({
        status: 'failed',
        record_count: 0,
        error_message: failure.errorMessage,
        errors: '[]',
        completed_at: failure.completedAt,
      })
      .where('status', 'in', ACTIVE)
      .where((eb) =>
        eb.or([
          eb('heartbeat_at', '<', staleBefore),
          eb.and([eb('heartbeat_at', 'is', null), eb('created_at', '<', staleBefore)]),
        ]),
      )
      .returningAll()
      .execute();
    return rows.map(toRecord);
  }
}
