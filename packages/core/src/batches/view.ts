import type { BatchRecord, BatchRowError, BatchStatus, BatchType, ImportMode, MissingRow } from '../storage/batches.js';

/** The seed's `DataBatch`, plus progress, row errors, the preset and purge links. */
export interface DataBatch {
  id: string;
  type: BatchType;
  entity_type: string;
  record_count: number;
  /**
   * Of `record_count`, the rows a completed seed or upload inserted, updated (a stored row with
   * the same key took new values) and found unchanged; null for purges and unfinished batches.
   */
  inserted_count: number | null;
  updated_count: number | null;
  unchanged_count: number | null;
  /** `upsert` or `insert_only` for seeds and uploads; null for purges. */
  mode: ImportMode | null;
  status: BatchStatus;
  created_at: string;
  completed_at: string | null;
  error_message: string | null;
  /** Rows read so far (uploads) or generated (seeds). */
  processed_count: number;
  /** The first 100 row errors of a failed upload; `error_count` counts them all. */
  errors: BatchRowError[];
  error_count: number;
  preset: string | null;
  /** Size of the uploaded file and how much of it has been read, for a progress bar. */
  total_bytes: number | null;
  bytes_read: number | null;
  /** Columns of the file its preset does not know; their values were not imported. */
  unknown_columns: string[];
  /** A purge batch's target. */
  target_batch_id: string | null;
  /** The purge batch that deleted this batch's rows. */
  purged_by: string | null;
  /** A provider import's connector (`square`); null for other batches. */
  source: string | null;
  /** How many objects the provider said it has (progress is `processed_count` of it); null when it did not say. */
  total_count: number | null;
  /**
   * A completed provider import: rows the tenant last imported from this provider that the
   * provider no longer has; null for other batches.
   */
  missing_count: number | null;
  /** The first 100 of them, by key and name. */
  missing: MissingRow[];
  /** Whether a provider import removes those rows (else it only counts and lists them). */
  remove_missing: boolean;
}

export function toDataBatch(record: BatchRecord): DataBatch {
  return {
    id: record.id,
    type: record.type,
    entity_type: record.entityType,
    record_count: record.recordCount,
    inserted_count: record.insertedCount,
    updated_count: record.updatedCount,
    unchanged_count: record.unchangedCount,
    mode: record.mode,
    status: record.status,
    created_at: record.createdAt,
    completed_at: record.completedAt,
    error_message: record.errorMessage,
    processed_count: record.processedCount,
    errors: record.errors,
    error_count: record.errorCount,
    preset: record.preset,
    total_bytes: record.totalBytes,
    bytes_read: record.bytesRead,
    unknown_columns: record.unknownColumns,
    target_batch_id: record.targetBatchId,
    purged_by: record.purgedBy,
    source: record.source,
    total_count: record.totalCount,
    missing_count: record.missingCount,
    missing: record.missing,
    remove_missing: record.removeMissing,
  };
}
