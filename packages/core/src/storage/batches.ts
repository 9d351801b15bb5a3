/**
 * The Data Manager's storage ports: the batch store (the `data_batches` table) and the entity sink
 * that bulk-writes one entity type's rows. Both are small on purpose: an adapter for another
 * database implements them in a few hundred lines, and the conformance suite checks them.
 */
import type { IntegrationStorage, IsoTime } from './port.js';

export type BatchType = 'seed' | 'upload' | 'purge';
export type BatchStatus = 'pending' | 'processing' | 'completed' | 'failed';

/** One problem in an uploaded file. `row` is the spreadsheet row number: the header is row 1. */
export interface BatchRowError {
  row: number;
  /** The file's column, as its header names it; null when the problem is the whole row. */
  column: string | null;
  message: string;
}

export interface BatchRecord {
  id: string;
  tenantId: string;
  type: BatchType;
  entityType: string;
  status: BatchStatus;
  /** Rows the batch wrote (purges: rows deleted). */
  recordCount: number;
  /** Rows read so far, for progress. */
  processedCount: number;
  errorMessage: string | null;
  /** The first errors (at most 100); `errorCount` counts them all. */
  errors: BatchRowError[];
  errorCount: number;
  /** The file format used for an upload (`pos`, `shopify`, `woocommerce`, `square`). */
  preset: string | null;
  totalBytes: number | null;
  bytesRead: number | null;
  /** Columns of an uploaded file that its preset does not know (their values were not imported). */
  unknownColumns: string[];
  /** For a purge batch: the batch whose rows it deleted. */
  targetBatchId: string | null;
  /** For a purged batch: the purge batch that deleted its rows. */
  purgedBy: string | null;
  /** Refreshed while a process works on the batch; a stale heartbeat means the process died. */
  heartbeatAt: IsoTime | null;
  /** The client's `Idempotency-Key`: unique per tenant, so a retried request finds its first batch. */
  idempotencyKey: string | null;
  createdAt: IsoTime;
  completedAt: IsoTime | null;
}

export type NewBatch = Pick<
  BatchRecord,
  'id' | 'tenantId' | 'type' | 'entityType' | 'status' | 'preset' | 'totalBytes' | 'targetBatchId' | 'createdAt'
> &
  Partial<
    Pick<BatchRecord, 'recordCount' | 'processedCount' | 'heartbeatAt' | 'completedAt' | 'bytesRead' | 'idempotencyKey'>
  >;

export interface BatchProgress {
  processedCount: number;
  bytesRead: number | null;
  heartbeatAt: IsoTime;
}

export interface BatchCompletion {
  recordCount: number;
  processedCount: number;
  bytesRead: number | null;
  preset: string | null;
  unknownColumns: string[];
  completedAt: IsoTime;
}

export interface BatchFailure {
  errorMessage: string;
  errors: BatchRowError[];
  errorCount: number;
  processedCount: number;
  bytesRead: number | null;
  preset: string | null;
  unknownColumns: string[];
  completedAt: IsoTime;
}

export interface BatchListQuery {
  tenantId: string;
  limit: number;
  entityType?: string;
}

/**
 * The `data_batches` table. Every state change is a compare-and-swap on the status, so two
 * processes can never both finish, fail or purge the same batch.
 */
export interface BatchStore {
  /**
   * Stores a new batch. With an `idempotencyKey` the tenant already used, stores nothing and
   * returns the earlier batch instead (check its `id`), also when two inserts race.
   */
  insert(batch: NewBatch): Promise<BatchRecord>;
  get(tenantId: string, id: string): Promise<BatchRecord | undefined>;
  /** Newest first. */
  list(query: BatchListQuery): Promise<BatchRecord[]>;
  /** Records progress and refreshes the heartbeat; false when the batch is no longer `processing`. */
  progress(tenantId: string, id: string, progress: BatchProgress): Promise<boolean>;
  /** `processing` → `completed`; false (and nothing written) from any other status. */
  complete(tenantId: string, id: string, completion: BatchCompletion): Promise<boolean>;
  /** `pending`/`processing` → `failed`; false (and nothing written) from any other status. */
  fail(tenantId: string, id: string, failure: BatchFailure): Promise<boolean>;
  /** Marks a batch's rows as deleted by `purgeBatchId`; false when it was already purged. */
  markPurged(tenantId: string, id: string, purgeBatchId: string): Promise<boolean>;
  /**
   * Fails, in one atomic statement across all tenants, every `pending`/`processing` batch whose
   * heartbeat is older than `staleBefore`, and returns exactly the batches this call failed: of
   * several processes recovering at once, each batch is failed by one of them.
   */
  failStale(staleBefore: IsoTime, failure: { errorMessage: string; completedAt: IsoTime }): Promise<BatchRecord[]>;
}

/** One batch of one tenant. */
export interface BatchTarget {
  tenantId: string;
  batchId: string;
}

/** What runs inside a purge's transaction besides the delete. */
export interface PurgeWork {
  before?: InTransaction;
  after(tx: IntegrationStorage, deleted: number): Promise<void>;
}

/** The batch rows are written for. */
export interface ImportTarget {
  tenantId: string;
  batchId: string;
  /** Stored in every row's `created_at`. */
  createdAt: IsoTime;
}

/**
 * Work that must commit together with the rows, run by the sink inside the transaction that makes
 * them visible: the Data Manager marks the batch `completed` here (and throws if another process
 * failed it meanwhile, which rolls the rows back). `tx` writes inside that transaction.
 */
export type InTransaction = (tx: IntegrationStorage) => Promise<void>;

/** An open bulk write of one batch. Nothing written through it is visible before `commit`. */
export interface EntityImport<Row> {
  /** Adds rows. Called many times with a few hundred rows each; rows keep their order. */
  write(rows: readonly Row[]): void | Promise<void>;
  /**
   * Publishes every written row and runs `finish` in the same transaction; if `finish` throws,
   * nothing is published. The import is closed afterwards either way.
   */
  commit(finish: InTransaction): Promise<void>;
  /** Discards everything written; safe to call after a failed commit. */
  abort(): Promise<void>;
}

/**
 * Where one entity type's rows live. The storage adapters provide one per built-in table
 * (SQLite: a staging table on a connection of its own, then one `INSERT … SELECT`; Postgres:
 * `COPY`); a host registering its own entity type brings its own.
 *
 * Must not block the storage's other queries while an import is open: the Data Manager keeps
 * writing progress and heartbeats to the batch store during the import.
 */
export interface EntitySink<Row> {
  open(target: ImportTarget): Promise<EntityImport<Row>>;
  /**
   * Deletes every row of one batch of one tenant, in one transaction with the Data Manager's own
   * work: `before` runs first (it may still read the rows, e.g. to queue their deletion for the
   * sync outbox), `after` last with the count (it records the purge). Returns the count.
   */
  deleteBatch(target: BatchTarget, work: PurgeWork): Promise<number>;
  /**
   * One batch's stored rows, read through `tx` (inside an import's commit or a purge, so
   * uncommitted rows are seen), a page at a time, with their `id`, `batch_id` and `created_at`.
   * Optional: without it the batch's rows are not queued for the sync outbox.
   */
  readBatch?(tx: IntegrationStorage, target: BatchTarget): AsyncIterable<readonly Record<string, unknown>[]>;
  /**
   * The tenant's rows of other batches that share the values of `key` columns with a row of this
   * batch (a SKU two batches hold), read through `tx` like `readBatch`. A purge re-queues them for
   * the sync target after queuing the batch's deletions, so the remote row survives.
   */
  readOthersSharingKey?(
    tx: IntegrationStorage,
    target: BatchTarget,
    key: readonly string[],
  ): AsyncIterable<readonly Record<string, unknown>[]>;
  /**
   * Every row of the tenant with its `id`, `batch_id` and `created_at`, a page at a time, each
   * page its own read (a full resync to the sync target). Optional: without it a resync skips
   * the entity.
   */
  readAll?(tenantId: string): AsyncIterable<readonly Record<string, unknown>[]>;
  /** Every row of the tenant in insertion order, a page at a time (CSV export). */
  read(tenantId: string): AsyncIterable<readonly Row[]>;
  /** How many rows the tenant has (an export's progress). Optional: without it progress has no total. */
  count?(tenantId: string): Promise<number>;
}
