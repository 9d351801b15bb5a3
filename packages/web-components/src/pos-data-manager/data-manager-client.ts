import { type ActionResult, PosApiClient } from '../api-client.js';

export type BatchStatus = 'pending' | 'processing' | 'completed' | 'failed';
export type BatchType = 'seed' | 'upload' | 'provider_import' | 'purge';

/** One problem of a failed upload: the spreadsheet row (header = 1) and the file's column. */
export interface BatchRowError {
  row: number;
  column: string | null;
  message: string;
  /** A provider import's object id, named instead of the row. */
  ref?: string;
}

/** A Data Manager batch, from `/api/data-manager/batches`. */
export interface DataBatch {
  id: string;
  type: BatchType;
  entity_type: string;
  record_count: number;
  /** Of `record_count`: new rows, rows that took new values, and rows already equal (null for purges). */
  inserted_count: number | null;
  updated_count: number | null;
  unchanged_count: number | null;
  mode: 'upsert' | 'insert_only' | null;
  status: BatchStatus;
  created_at: string;
  completed_at: string | null;
  error_message: string | null;
  processed_count: number;
  errors: BatchRowError[];
  error_count: number;
  preset: string | null;
  total_bytes: number | null;
  bytes_read: number | null;
  unknown_columns: string[];
  target_batch_id: string | null;
  purged_by: string | null;
  /** A provider import's connector, its object count, and the rows the provider no longer has. */
  source: string | null;
  total_count: number | null;
  missing_count: number | null;
  missing: { key: string; name: string | null }[];
  remove_missing: boolean;
}

export interface PurgeResult extends ActionResult {
  already_purged: boolean;
  /** The purge batch. */
  batch: DataBatch;
}

/** What purging a batch would do now. */
export interface PurgePreview {
  batch_id: string;
  entity_type: string;
  /** Rows the purge would delete. */
  removes: number;
  /** Rows the batch added that stay, because a later batch imported them again. */
  keeps: number;
}

export interface UploadRequest {
  file: Blob;
  /** The file name the server sees; defaults to the File's own name. */
  filename?: string;
  entity_type: string;
  preset?: string;
  currency?: string;
  /** `upsert` (default): rows whose key exists update it; `insert_only`: they fail the import. */
  mode?: 'upsert' | 'insert_only';
}

/** The Data Manager's routes, `/api/data-manager/…` (full build only). */
export class DataManagerClient extends PosApiClient {
  /** Generates `count` realistic rows; a large seed answers while it runs (`status: processing`). */
  seed(entityType: string, count?: number): Promise<DataBatch> {
    return this.call('POST', ['data-manager', 'seed'], {
      body: { entity_type: entityType, ...(count === undefined ? {} : { count }) },
    });
  }

  /**
   * Sends a CSV file. A large file answers while it imports (`status: processing`); a file with
   * invalid rows throws `BATCH_FAILED` with the failed batch in `details.batch`.
   */
  upload(request: UploadRequest): Promise<DataBatch> {
    const form = new FormData();
    form.set('entity_type', request.entity_type);
    if (request.preset) form.set('preset', request.preset);
    if (request.currency) form.set('currency', request.currency);
    if (request.mode) form.set('mode', request.mode);
    const name = request.filename ?? (request.file instanceof File ? request.file.name : 'upload.csv');
    form.set('file', request.file, name);
    return this.call('POST', ['data-manager', 'upload'], { form });
  }

  /** The tenant's batches, newest first. */
  batches(query: { limit?: number; entity_type?: string } = {}): Promise<DataBatch[]> {
    return this.call('GET', ['data-manager', 'batches'], { query: { ...query } });
  }

  batch(id: string): Promise<DataBatch> {
    return this.call('GET', ['data-manager', 'batches', id]);
  }

  /** How many rows purging the batch would delete now, and how many of its rows stay. */
  purgePreview(id: string): Promise<PurgePreview> {
    return this.call('GET', ['data-manager', 'batches', id, 'purge-preview']);
  }

  /** Deletes the rows one batch owns (the rows it added that no later batch imported again). */
  purge(id: string): Promise<PurgeResult> {
    return this.call('DELETE', ['data-manager', 'batches', id]);
  }
}
