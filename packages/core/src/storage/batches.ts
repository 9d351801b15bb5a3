/**
 * The Data Manager's storage ports: the batch store (the `data_batches` table) and the entity sink
 * that bulk-writes one entity type's rows. Both are small on purpose: an adapter for another
 * database implements them in a few hundred lines, and the conformance suite checks them.
 */
import type { IntegrationStorage, IsoTime } from './port.js';

export type BatchType = 'seed' | 'upload' | 'provider_import' | 'purge';
export type BatchStatus = 'pending' | 'processing' | 'completed' | 'failed';

/** One problem in an uploaded file. `row` is the spreadsheet row number: the header is row 1. */
export interface BatchRowError {
  row: number;
  /** The file's column, as its header names it; null when the problem is the whole row. */
  column: string | null;
  message: string;
  /** For a provider import: the provider's id of the object (`row` is then its position in the provider's order). */
  ref?: string;
}

/** A row the tenant last imported from a provider that the provider no longer has. */
export interface MissingRow {
  /** The row's key (a product's SKU). */
  key: string;
  /** Its name, when the entity has one. */
  name: string | null;
}

export interface BatchRecord {
  id: string;
  tenantId: string;
  type: BatchType;
  entityType: string;
  status: BatchStatus;
  /** Rows the batch wrote (purges: rows deleted). */
  recordCount: number;
  /**
   * Of `recordCount`, the rows a completed seed or upload inserted, updated and left unchanged
   * (see {@link ImportCounts}); null for purges and for batches that did not complete.
   */
  insertedCount: number | null;
  updatedCount: number | null;
  unchangedCount: number | null;
  /** How a seed or upload treated existing keys; null for purges. */
  mode: ImportMode | null;
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
  /** For a provider import: the connector it read from (`square`); null for other batches. */
  source: string | null;
  /** For a provider import: how many objects the provider said it has, when it said. */
  totalCount: number | null;
  /**
   * For a completed provider import: rows the tenant last imported from the same provider that
   * the provider no longer has; null for other batches.
   */
  missingCount: number | null;
  /** The first 100 of them. */
  missing: MissingRow[];
  /** For a provider import: whether those rows are removed (else only counted and listed). */
  removeMissing: boolean;
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
  Partial<Pick<BatchRecord, 'mode' | 'source' | 'removeMissing'>> &
  Partial<
    Pick<BatchRecord, 'recordCount' | 'processedCount' | 'heartbeatAt' | 'completedAt' | 'bytesRead' | 'idempotencyKey'>
  >;

export interface BatchProgress {
  processedCount: number;
  bytesRead: number | null;
  /** A provider import's total once the provider told it (absent: left as stored). */
  totalCount?: number | null;
  heartbeatAt: IsoTime;
}

export interface BatchCompletion {
  recordCount: number;
  /** What the import did; absent for a batch that is not an import. */
  counts?: ImportCounts;
  processedCount: number;
  bytesRead: number | null;
  preset: string | null;
  unknownColumns: string[];
  /** A provider import's total, and the rows the provider no longer has (the first 100). */
  totalCount?: number | null;
  missing?: { count: number; rows: MissingRow[] };
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
  totalCount?: number | null;
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

/**
 * How an import treats a row whose key the tenant already has: `upsert` (the default) updates
 * that row, or leaves it alone when every value is equal; `insert_only` refuses the whole import.
 */
export type ImportMode = 'upsert' | 'insert_only';

export const IMPORT_MODES: readonly ImportMode[] = ['upsert', 'insert_only'];

/** The batch rows are written for. */
export interface ImportTarget {
  tenantId: string;
  batchId: string;
  /** Stored in every inserted row's `created_at`. */
  createdAt: IsoTime;
  /** Default `upsert`. */
  mode?: ImportMode;
  /**
   * For a provider import: the batch's `source`. The sink then also finds the rows the tenant last
   * imported from that source (held last by an earlier batch with the same source) that this
   * import does not hold: it counts them (`ImportCounts.missing`), `readBatch(…, 'missing')` reads
   * them inside `finish`, and with `removeMissing` they are deleted after `finish`.
   */
  source?: string;
  removeMissing?: boolean;
  /** Columns whose null in a written row keeps the stored value (a count the provider did not report). */
  keep?: readonly string[];
}

/** What a committed import did: every written row is counted once. */
export interface ImportCounts {
  /** Rows whose key the tenant did not have. */
  inserted: number;
  /** Rows whose key existed and at least one value differed: the stored row took the new values. */
  updated: number;
  /** Rows equal to the stored row: nothing changed but the row's ownership (see `deleteBatch`). */
  unchanged: number;
  /** With a `source`: rows last imported from it that this import lacks (see {@link ImportTarget.source}). */
  missing?: number;
}

/**
 * Thrown by an `insert_only` commit when written rows have keys the tenant already has; nothing
 * is written. `rows` holds the positions of the first 100 such rows (0 for the first row written
 * to the import, in write order), `count` how many there were, `column` the key as the entity's
 * CSV names it.
 */
export class ExistingKeys extends Error {
  constructor(
    readonly rows: readonly number[],
    readonly count: number,
    readonly column: string,
  ) {
    super(`${count} row(s) have a key that already exists.`);
    this.name = 'ExistingKeys';
  }
}

/** A written row that is the same record as an earlier row of the same import. */
export interface RepeatedKey {
  /** The row's position in the import (0 for the first row written, in write order). */
  row: number;
  /** The position of the earlier row it repeats. */
  first: number;
  /** The field both rows share, as the entity's CSV names it (`sku`, `id`, `email`). */
  column: string;
  /** The value they share. */
  value: string;
  /** `key`: the sink's key; `other`: a field the sink matches rows without a key by. */
  match: 'key' | 'other';
}

/**
 * Thrown by a commit when two written rows are the same record (the same key, or the same value of
 * the field rows without a key are matched by); nothing is written. `repeats` holds the first 100
 * such rows in write order, `count` how many there were.
 */
export class RepeatedKeys extends Error {
  constructor(
    readonly repeats: readonly RepeatedKey[],
    readonly count: number,
  ) {
    super(`${count} row(s) repeat an earlier row's key.`);
    this.name = 'RepeatedKeys';
  }
}

/**
 * Work that must commit together with the rows, run by the sink inside the transaction that makes
 * them visible: the Data Manager marks the batch `completed` here (and throws if another process
 * failed it meanwhile, which rolls the rows back). `tx` writes inside that transaction.
 */
export type InTransaction = (tx: IntegrationStorage) => Promise<void>;

/** Like {@link InTransaction}, with what the import did. */
export type ImportFinish = (tx: IntegrationStorage, counts: ImportCounts) => Promise<void>;

/** An open bulk write of one batch. Nothing written through it is visible before `commit`. */
export interface EntityImport<Row> {
  /**
   * Adds rows. Called many times with a few hundred rows each; rows keep their order, which is
   * what the positions in {@link ExistingKeys} and {@link RepeatedKeys} count. The rows may repeat
   * a key: the sink finds that, not the Data Manager.
   */
  write(rows: readonly Row[]): void | Promise<void>;
  /**
   * Merges every written row into the table by the sink's `key` (per the target's `mode`) and
   * runs `finish` with the counts in the same transaction; if `finish` throws, nothing is
   * published. Throws {@link RepeatedKeys} when two written rows are the same record, and
   * {@link ExistingKeys} in `insert_only` mode when a row's key exists. The import is closed
   * afterwards either way.
   */
  commit(finish: ImportFinish): Promise<ImportCounts>;
  /** Discards everything written; safe to call after a failed commit. */
  abort(): Promise<void>;
}

/** What purging a batch would do now (see {@link EntitySink.deleteBatch}). */
export interface PurgePreview {
  /** Rows the purge would delete. */
  removes: number;
  /** Rows the batch inserted that a later batch imported again: they stay. */
  keeps: number;
}

/**
 * Where one entity type's rows live. The storage adapters provide one per built-in table
 * (SQLite: a staging table on a connection of its own, then a merge; Postgres: `COPY` into a
 * temporary table, then a merge); a host registering its own entity type brings its own.
 *
 * Every row is identified within its tenant by the sink's `key` columns (unique per tenant), and
 * carries three batch marks: the batch that inserted it, the last batch that changed its values,
 * and the last batch whose file held it.
 *
 * Must not block the storage's other queries while an import is open: the Data Manager keeps
 * writing progress and heartbeats to the batch store during the import.
 */
export interface EntitySink<Row> {
  /**
   * The columns that identify a row within a tenant (`sku` for products, `customer_id` for
   * customers). A written row whose key columns are null is matched by the sink's own rule or
   * inserted with a generated key (customers: by e-mail, then a new id).
   */
  readonly key: readonly string[];
  open(target: ImportTarget): Promise<EntityImport<Row>>;
  /**
   * Purges one batch of one tenant, in one transaction with the Data Manager's own work: `before`
   * runs first (it may still read the rows that go, with `readBatch(tx, target, 'purged')`),
   * `after` last with the count (it records the purge). Returns the count.
   *
   * Ownership: the purge deletes the rows the batch inserted that no later batch imported again,
   * and the rows whose last import was this batch when the batch that inserted them was purged
   * already. Rows a later batch imported again stay with their values; rows this batch only
   * updated or re-imported stay with their current values, and its claim on them is dropped
   * (they belong to the batch that inserted them again).
   */
  deleteBatch(target: BatchTarget, work: PurgeWork): Promise<number>;
  /** What `deleteBatch` would do now: how many rows it would delete and how many it keeps. */
  previewPurge(target: BatchTarget): Promise<PurgePreview>;
  /**
   * Rows of one batch read through `tx` (inside an import's commit or a purge, so uncommitted
   * rows are seen), a page at a time, with their `id`, `batch_id` and `created_at`: `written`,
   * the rows it inserted or changed (what the sync target must receive after an import);
   * `purged`, the rows `deleteBatch` deletes, and `kept`, the rows it inserted that `deleteBatch`
   * keeps, with the `batch_id` they will have after it (both read in its `before`); `missing`,
   * for an import with a `source`, the rows the source no longer has (read in its `finish`).
   * Optional: without it the batch's rows are not queued for the sync outbox.
   */
  readBatch?(
    tx: IntegrationStorage,
    target: BatchTarget,
    which: 'written' | 'purged' | 'kept' | 'missing',
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
