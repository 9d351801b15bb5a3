import { randomInt } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import { fieldError, IntegrationError, isIntegrationError } from '../errors.js';
import type { BatchSlots, BatchTicket } from '../limits/batch-slots.js';
import type { Logger } from '../logger.js';
import {
  type BatchRecord,
  type BatchRowError,
  type BatchType,
  type EntityImport,
  ExistingKeys,
  IMPORT_MODES,
  type ImportCounts,
  type ImportMode,
  type ImportTarget,
  type PurgePreview,
} from '../storage/batches.js';
import type { IntegrationStorage, JsonObject } from '../storage/port.js';
import { describeIssues, formatBound, summarize } from '../validation.js';
import { CsvReader, isBlankRecord } from './csv-reader.js';
import { csvLine } from './csv-writer.js';
import type { EntityDefinition, EntityRegistry, EntityRow } from './entities.js';
import { rowValidator, schemaForDecimal } from './fields.js';
import { BATCH_ID, timeOrderedId } from './ids.js';
import { DECIMAL_MARKS, type DecimalMark, isCurrencyCode } from './money.js';
import {
  detectPreset,
  Header,
  otherExportsText,
  PRESETS,
  type RowMapper,
  RowProblem,
  requirePreset,
} from './presets/index.js';
import { type RepeatedRow, RowKeys, repeatedMessage } from './row-keys.js';
import { type DataBatch, toDataBatch } from './view.js';

export const DEFAULT_SEED_COUNT = 25;
export const MAX_SEED_COUNT = 100_000;
export const MAX_ROW_ERRORS = 100;
export const DEFAULT_BATCH_PAGE = 50;
export const MAX_BATCH_PAGE = 200;
const SEED_CHUNK = 1000;

export interface BatchesOptions {
  /** How often a running batch stores its progress and refreshes its heartbeat, in ms (default 1000). */
  heartbeatMs?: number;
  /**
   * A `processing` batch whose heartbeat is older than this belongs to a process that died, in ms
   * (default 30000). Any instance then fails it: at its start, and every half lease after.
   */
  leaseMs?: number;
  /** Currency of prices in files that name none (Shopify, WooCommerce, Square exports); default USD. */
  defaultCurrency?: string;
}

export interface SeedOptions {
  entityType: string;
  /** Rows to generate: 1 to 100000, default 25. */
  count?: number;
  /** The same seed and count give the same rows. */
  seed?: number;
  /** A client's key for this request: repeating it returns the first batch instead of a second one. */
  idempotencyKey?: string;
  /** A slot taken with {@link Batches.admit}; without one the seed takes its own. */
  ticket?: BatchTicket;
  /** What a row whose key exists does (default `upsert`: it updates that row). */
  mode?: ImportMode;
}

export interface UploadOptions {
  entityType: string;
  /** `pos`, `shopify`, `woocommerce` or `square`; detected from the header when absent. */
  preset?: string;
  /** Currency of the file's prices when its rows name none (default: the `defaultCurrency` option). */
  currency?: string;
  /**
   * How the file writes amounts: `point` (12.50) or `comma` (12,50). Default: `comma` when the
   * header line is separated by semicolons, `point` otherwise.
   */
  decimal?: DecimalMark;
  /** The CSV bytes, e.g. a file or request stream. It is read once, a chunk at a time. */
  source: AsyncIterable<Uint8Array | string>;
  /** The file size when known, stored for progress (`bytes_read` / `total_bytes`). */
  totalBytes?: number;
  /**
   * A client's key for this upload: repeating it returns the first batch (the source is then
   * closed unread) instead of importing the file twice.
   */
  idempotencyKey?: string;
  /** A slot taken with {@link Batches.admit} before the file arrived; without one the upload takes its own. */
  ticket?: BatchTicket;
  /**
   * What a row whose key the tenant already has does: `upsert` (default) updates that row (or
   * leaves it as it is when equal); `insert_only` makes it a row error, and nothing is imported.
   */
  mode?: ImportMode;
}

/** A started batch and the promise of its final state (it never rejects for bad rows). */
export interface BatchRun {
  batch: DataBatch;
  done: Promise<DataBatch>;
}

/** What purging a batch would do now: see `docs/data-manager.md` for which rows a batch owns. */
export interface PurgePlan extends PurgePreview {
  batch_id: string;
  entity_type: string;
}

export interface PurgeResult {
  /** The purge batch (the first one when the batch had been purged already). */
  purge: DataBatch;
  alreadyPurged: boolean;
}

export interface CsvExport {
  filename: string;
  /** The CSV text: a byte order mark and our header, then the rows a page at a time. */
  chunks: AsyncIterable<string>;
}

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

interface BatchesParts {
  storage: IntegrationStorage;
  entities: EntityRegistry;
  clock: Clock;
  logger: Logger;
  outbox?: BatchOutbox;
  options?: BatchesOptions;
  /** The running-batch limits; without them batches are not limited. */
  slots?: BatchSlots;
}

/** What a running batch has done so far: stored with each heartbeat and at the end. */
interface Progress {
  processed: number;
  bytesRead: number | null;
  preset: string | null;
  unknownColumns: string[];
}

class RowErrors {
  readonly first: BatchRowError[] = [];
  count = 0;

  add(error: BatchRowError): void {
    this.count += 1;
    if (this.first.length < MAX_ROW_ERRORS) this.first.push(error);
  }
}

/** An upload with invalid rows: nothing was written; the batch lists the problems. */
class InvalidRows extends IntegrationError {
  constructor(readonly rowErrors: RowErrors) {
    const first = rowErrors.first[0] as BatchRowError;
    const where = first.column ? `row ${first.row}, ${first.column}` : `row ${first.row}`;
    const problems = rowErrors.count === 1 ? '1 problem' : `${rowErrors.count} problems`;
    super('BATCH_FAILED', `The file has ${problems}; nothing was imported. First: ${where} ${first.message}.`);
  }
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

const STOPPED = 'The server stopped before the batch finished; nothing was imported.';
const RECOVERED = 'The server working on this batch stopped before it finished; nothing was imported.';
const TAKEN_OVER =
  'The batch was marked failed while it ran (its heartbeat went stale, so it was taken for dead); nothing was imported.';

const invalid = fieldError;

/** Stops waiting on a source when the batch is aborted (a stalled request must not pin the batch). */
async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  // A listener per chunk, removed once the chunk arrives: racing every chunk against one
  // long-lived promise would keep each chunk reachable from that promise until the end.
  const next = () =>
    new Promise<IteratorResult<T>>((resolve, reject) => {
      signal.throwIfAborted();
      const stop = () => reject(signal.reason);
      signal.addEventListener('abort', stop, { once: true });
      iterator.next().then(
        (result) => {
          signal.removeEventListener('abort', stop);
          resolve(result);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', stop);
          reject(error);
        },
      );
    });
  let finished = false;
  try {
    for (;;) {
      const result = await next();
      if (result.done) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    // Closes the source (a stream is destroyed). Not awaited: a source stuck in an await only
    // handles `return` once it gets unstuck, which may be never.
    if (!finished) iterator.return?.()?.catch(() => undefined);
  }
}

/**
 * The Data Manager: seeds, CSV uploads, purges and exports, each recorded as a batch. Writes are
 * all or nothing: rows go through the entity's sink, which publishes them in the same transaction
 * that marks the batch `completed`; any invalid row or failure leaves no row and a `failed` batch.
 */
export class Batches {
  readonly entities: EntityRegistry;
  readonly #storage: IntegrationStorage;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #outbox: BatchOutbox | undefined;
  readonly #slots: BatchSlots | undefined;
  readonly #heartbeatMs: number;
  readonly #leaseMs: number;
  readonly #defaultCurrency: string;
  readonly #running = new Map<string, { controller: AbortController; done: Promise<DataBatch> }>();
  #recovery: Promise<void> | undefined;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(parts: BatchesParts) {
    this.entities = parts.entities;
    this.#storage = parts.storage;
    this.#clock = parts.clock;
    this.#logger = parts.logger;
    this.#outbox = parts.outbox;
    this.#slots = parts.slots;
    const options = parts.options ?? {};
    this.#heartbeatMs = options.heartbeatMs ?? 1000;
    this.#leaseMs = options.leaseMs ?? 30_000;
    if (!(this.#leaseMs >= 2 * this.#heartbeatMs)) {
      throw new IntegrationError('VALIDATION_FAILED', 'batches.leaseMs must be at least twice batches.heartbeatMs.');
    }
    this.#defaultCurrency = options.defaultCurrency ?? 'USD';
    if (!isCurrencyCode(this.#defaultCurrency)) {
      throw new IntegrationError('VALIDATION_FAILED', 'batches.defaultCurrency must be an ISO 4217 code such as USD.');
    }
  }

  /**
   * Takes one of the tenant's running-batch slots, holding `uploadBytes` of its upload allowance,
   * for a seed or upload about to start (a route takes it before it receives the file). Throws
   * `RATE_LIMITED` (429, with `retryAfter`) at a limit. Pass it as `ticket`; it is released when
   * the batch ends, or by `release()` when no batch starts.
   */
  admit(tenantId: string, options: { uploadBytes?: number } = {}): BatchTicket {
    assertTenant(tenantId);
    return this.#slots?.take(tenantId, options.uploadBytes ?? 0) ?? { tenantId, release: () => undefined };
  }

  /** The presets an upload may name for an entity type. */
  presets(entityType: string): string[] {
    const entity = this.entities.require(entityType);
    return PRESETS.filter((preset) => !preset.entityTypes || preset.entityTypes.includes(entity.type)).map(
      (preset) => preset.id,
    );
  }

  /**
   * Fails every batch left `processing` by a process that died (its heartbeat is older than the
   * lease), across tenants, and returns them. Atomic: several instances may run it at once and
   * each batch is failed exactly once. Runs by itself before the first operation and then every
   * half lease; call it at start to recover before serving.
   */
  async recover(): Promise<DataBatch[]> {
    const now = this.#clock.now();
    const failed = await this.#storage.batches.failStale(new Date(now.getTime() - this.#leaseMs).toISOString(), {
      errorMessage: RECOVERED,
      completedAt: now.toISOString(),
    });
    for (const batch of failed) {
      this.#logger.warn('Data Manager batch recovered as failed', {
        batch_id: batch.id,
        tenant_id: batch.tenantId,
        type: batch.type,
        entity_type: batch.entityType,
      });
    }
    return failed.map(toDataBatch);
  }

  #ready(): Promise<void> {
    if (this.#closed) return Promise.reject(new IntegrationError('BATCH_FAILED', 'The Data Manager is closed.'));
    this.#recovery ??= this.recover().then(
      () => {
        this.#sweeper ??= setInterval(() => {
          this.recover().catch((error: unknown) => {
            this.#logger.warn('Data Manager recovery sweep failed', { error: String(error) });
          });
        }, this.#leaseMs / 2);
        this.#sweeper.unref?.();
      },
      (error: unknown) => {
        this.#recovery = undefined;
        throw error;
      },
    );
    return this.#recovery;
  }

  /** Generates realistic rows (deterministic when `seed` is given) and writes them as one batch. */
  async seed(tenantId: string, options: SeedOptions): Promise<BatchRun> {
    assertTenant(tenantId);
    const entity = this.entities.require(options.entityType);
    const count = options.count ?? DEFAULT_SEED_COUNT;
    if (!Number.isInteger(count) || count < 1 || count > MAX_SEED_COUNT) {
      throw invalid('count', `must be a whole number from 1 to ${formatBound(MAX_SEED_COUNT)}`);
    }
    const seed = options.seed ?? randomInt(2 ** 31);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw invalid('seed', `must be a whole number from 0 to ${formatBound(0xffffffff)}`);
    }
    const fake = entity.fake;
    if (!fake) throw invalid('entity_type', `${entity.type} has no generator to seed from`);
    const mode = importMode(options.mode);
    const ticket = options.ticket ?? this.admit(tenantId);
    const batch = await this.#create(tenantId, 'seed', entity.type, null, null, options.idempotencyKey, ticket, mode);
    if (batch.existing) return this.#earlier(batch.record, 'seed', entity.type);
    const keys = new RowKeys(entity);
    return this.#run(batch.record, ticket, async (progress, signal) => {
      const { faker } = await import('@faker-js/faker/locale/en_US');
      const validate = rowValidator(entity.schema);
      await this.#write(batch.record, entity, keys, progress, signal, async (importer) => {
        for (let start = 0; start < count; start += SEED_CHUNK) {
          // Seeding per chunk keeps the shared generator deterministic: a chunk is generated
          // without a pause, so concurrent seeds cannot interleave inside it.
          faker.seed([seed, start]);
          const rows: EntityRow[] = [];
          for (let index = start; index < Math.min(count, start + SEED_CHUNK); index++) {
            const parsed = validate(fake(faker, index));
            if (!parsed.success) {
              throw new Error(
                `The ${entity.type} generator made an invalid row: ${summarize(describeIssues(parsed.error.issues), 'the row')}`,
              );
            }
            const repeated = keys.add(parsed.data, index + 1);
            if (repeated) throw new Error(`The ${entity.type} generator made row ${index + 1} twice.`);
            rows.push(parsed.data);
          }
          await importer.write(rows);
          progress.processed += rows.length;
          signal.throwIfAborted();
          await nextTurn(); // requests and heartbeats run between chunks
        }
        return count;
      });
    });
  }

  /**
   * Streams a CSV into a new batch. Returns once the batch exists; `done` settles when every row
   * has been read and either all of them were written or none.
   */
  async upload(tenantId: string, options: UploadOptions): Promise<BatchRun> {
    assertTenant(tenantId);
    const entity = this.entities.require(options.entityType);
    if (options.preset !== undefined) requirePreset(options.preset, entity);
    const defaults: Record<string, string> = {};
    if (entity.columns.includes('currency')) defaults.currency = this.#defaultCurrency;
    if (options.currency !== undefined) {
      if (!entity.columns.includes('currency')) throw invalid('currency', `${entity.type} have no currency`);
      const currency = options.currency.trim().toUpperCase();
      if (!isCurrencyCode(currency)) throw invalid('currency', 'must be an ISO 4217 currency code such as USD');
      defaults.currency = currency;
    }
    if (options.decimal !== undefined && !DECIMAL_MARKS.includes(options.decimal)) {
      throw invalid('decimal', 'must be point or comma');
    }
    const totalBytes = options.totalBytes ?? null;
    if (totalBytes !== null && !(Number.isSafeInteger(totalBytes) && totalBytes >= 0)) {
      throw invalid('totalBytes', 'must be a whole number of bytes');
    }
    const mode = importMode(options.mode);
    const ticket = options.ticket ?? this.admit(tenantId);
    const created = await this.#create(
      tenantId,
      'upload',
      entity.type,
      options.preset ?? null,
      totalBytes,
      options.idempotencyKey,
      ticket,
      mode,
    );
    if (created.existing) {
      void options.source[Symbol.asyncIterator]().return?.();
      return this.#earlier(created.record, 'upload', entity.type);
    }
    const batch = created.record;
    const keys = new RowKeys(entity);
    return this.#run(batch, ticket, (progress, signal) =>
      this.#write(batch, entity, keys, progress, signal, (importer) =>
        this.#readCsv(entity, options, defaults, keys, progress, signal, importer),
      ),
    );
  }

  async list(tenantId: string, options: { limit?: number; entityType?: string } = {}): Promise<DataBatch[]> {
    assertTenant(tenantId);
    const limit = options.limit ?? DEFAULT_BATCH_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_BATCH_PAGE) {
      throw invalid('limit', `must be a whole number from 1 to ${formatBound(MAX_BATCH_PAGE)}`);
    }
    await this.#ready();
    const records = await this.#storage.batches.list({
      tenantId,
      limit,
      ...(options.entityType !== undefined ? { entityType: options.entityType } : {}),
    });
    return records.map(toDataBatch);
  }

  async get(tenantId: string, id: string): Promise<DataBatch> {
    return toDataBatch(await this.#find(tenantId, id));
  }

  /**
   * What purging a batch would do now, for a confirmation: how many rows it would delete, and how
   * many rows the batch inserted stay because a later batch imported them again.
   */
  async previewPurge(tenantId: string, id: string): Promise<PurgePlan> {
    const { target, entity } = await this.#purgeable(tenantId, id);
    const preview = target.purgedBy
      ? { removes: 0, keeps: 0 }
      : await entity.sink.previewPurge({ tenantId, batchId: target.id });
    return { batch_id: target.id, entity_type: target.entityType, ...preview };
  }

  /**
   * Deletes the rows one batch owns for this tenant (the rows it inserted that no later batch
   * imported again; see `docs/data-manager.md`), in one transaction that also records the purge as
   * a `purge` batch. Purging a purged batch again returns the first purge.
   */
  async purge(tenantId: string, id: string): Promise<PurgeResult> {
    const { target, entity } = await this.#purgeable(tenantId, id);
    const earlier = await this.#previousPurge(target);
    if (earlier) return { purge: earlier, alreadyPurged: true };

    const now = this.#clock.now();
    const purgeId = timeOrderedId(now);
    const at = now.toISOString();
    const record = {
      id: purgeId,
      tenantId,
      type: 'purge' as const,
      entityType: target.entityType,
      preset: null,
      totalBytes: null,
      targetBatchId: target.id,
      createdAt: at,
      completedAt: at,
      heartbeatAt: at,
    };
    let raced = false;
    try {
      // The purge transaction: the rows, the target's purge mark and the purge batch, together.
      await entity.sink.deleteBatch(
        { tenantId, batchId: target.id },
        {
          // The sync target forgets the rows too: their deletes are queued before they go.
          before: (tx) => this.#queueForSync(tx, entity, target, 'purged'),
          after: async (tx, deleted) => {
            if (!(await tx.batches.markPurged(tenantId, target.id, purgeId))) {
              raced = true;
              throw new IntegrationError('CONFLICT', 'The batch was purged meanwhile.');
            }
            await tx.batches.insert({ ...record, status: 'completed', recordCount: deleted, processedCount: deleted });
          },
        },
      );
    } catch (error) {
      const first = raced ? await this.#previousPurge(await this.#find(tenantId, id)) : undefined;
      if (first) return { purge: first, alreadyPurged: true };
      const failed = await this.#storage.batches.insert({ ...record, id: timeOrderedId(now), status: 'processing' });
      await this.#storage.batches.fail(tenantId, failed.id, {
        errorMessage: isIntegrationError(error) ? error.message : 'The rows could not be deleted; nothing changed.',
        errors: [],
        errorCount: 0,
        processedCount: 0,
        bytesRead: null,
        preset: null,
        unknownColumns: [],
        completedAt: at,
      });
      this.#logFailure(failed, error);
      throw new IntegrationError('BATCH_FAILED', 'The purge failed; no row was deleted.', {
        details: { batch: await this.get(tenantId, failed.id) },
      });
    }
    this.#logger.info('Data Manager batch purged', { batch_id: target.id, tenant_id: tenantId, purge_id: purgeId });
    return { purge: await this.get(tenantId, purgeId), alreadyPurged: false };
  }

  /**
   * Every row of one entity type of the tenant as CSV in our own format (what an upload reads
   * back). `onRows` hears how many rows have been turned into text so far, a page at a time.
   */
  exportCsv(tenantId: string, entityType: string, options: { onRows?(rows: number): void } = {}): CsvExport {
    assertTenant(tenantId);
    const entity = this.entities.require(entityType);
    const format = entity.format ?? ((row: EntityRow) => row as Record<string, unknown>);
    async function* chunks(): AsyncGenerator<string> {
      yield `\uFEFF${csvLine(entity.columns)}`;
      let written = 0;
      for await (const rows of entity.sink.read(tenantId)) {
        let text = '';
        for (const row of rows) {
          const cells = format(row);
          text += csvLine(entity.columns.map((column) => cells[column]));
        }
        written += rows.length;
        options.onRows?.(written);
        yield text;
      }
    }
    return { filename: `${entity.type}.csv`, chunks: chunks() };
  }

  /** How many rows of one entity type the tenant has; undefined when its sink cannot count. */
  async count(tenantId: string, entityType: string): Promise<number | undefined> {
    assertTenant(tenantId);
    return this.entities.require(entityType).sink.count?.(tenantId);
  }

  /** Stops the recovery sweep and fails the batches still running (nothing of theirs is written). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    const running = [...this.#running.values()];
    for (const run of running) run.controller.abort(new IntegrationError('BATCH_FAILED', STOPPED));
    await Promise.allSettled(running.map((run) => run.done));
  }

  async #purgeable(tenantId: string, id: string): Promise<{ target: BatchRecord; entity: EntityDefinition }> {
    const target = await this.#find(tenantId, id);
    if (target.type === 'purge') {
      throw new IntegrationError('CONFLICT', 'A purge batch wrote no rows, so it cannot be purged.');
    }
    if (target.status === 'pending' || target.status === 'processing') {
      throw new IntegrationError('CONFLICT', 'The batch is still running: purge it once it has finished.');
    }
    const entity = this.entities.get(target.entityType);
    if (!entity) {
      throw new IntegrationError('CONFLICT', `Entity type "${target.entityType}" is no longer registered.`);
    }
    return { target, entity };
  }

  async #find(tenantId: string, id: string): Promise<BatchRecord> {
    assertTenant(tenantId);
    await this.#ready();
    const record = BATCH_ID.test(id) ? await this.#storage.batches.get(tenantId, id) : undefined;
    if (!record) throw new IntegrationError('NOT_FOUND', `No batch ${id}.`);
    return record;
  }

  async #previousPurge(target: BatchRecord): Promise<DataBatch | undefined> {
    if (!target.purgedBy) return undefined;
    const purge = await this.#storage.batches.get(target.tenantId, target.purgedBy);
    return purge && toDataBatch(purge);
  }

  async #create(
    tenantId: string,
    type: BatchType,
    entityType: string,
    preset: string | null,
    totalBytes: number | null,
    idempotencyKey: string | undefined,
    ticket: BatchTicket,
    mode: ImportMode,
  ): Promise<{ record: BatchRecord; existing: boolean }> {
    // The ticket goes to the batch this makes; with no new batch it is released here.
    let record: BatchRecord | undefined;
    const now = this.#clock.now();
    const id = timeOrderedId(now);
    try {
      if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw invalid('Idempotency-Key', 'must be 1 to 255 visible ASCII characters');
      }
      await this.#ready();
      record = await this.#storage.batches.insert({
        id,
        tenantId,
        type,
        entityType,
        status: 'processing',
        preset,
        totalBytes,
        bytesRead: totalBytes === null ? null : 0,
        targetBatchId: null,
        mode,
        createdAt: now.toISOString(),
        heartbeatAt: now.toISOString(),
        ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      });
    } finally {
      if (record?.id !== id) ticket.release();
    }
    return { record, existing: record.id !== id };
  }

  /** The batch an earlier request with the same idempotency key made, if it was the same kind of request. */
  #earlier(record: BatchRecord, type: BatchType, entityType: string): BatchRun {
    if (record.type !== type || record.entityType !== entityType) {
      throw new IntegrationError(
        'CONFLICT',
        `This Idempotency-Key was used for a ${record.type} of ${record.entityType}: use a new key for a new request.`,
      );
    }
    const batch = toDataBatch(record);
    return { batch, done: this.#running.get(record.id)?.done ?? Promise.resolve(batch) };
  }

  /** Runs a batch's work with a heartbeat; any failure marks the batch failed. */
  #run(
    batch: BatchRecord,
    ticket: BatchTicket,
    work: (progress: Progress, signal: AbortSignal) => Promise<void>,
  ): BatchRun {
    const controller = new AbortController();
    const progress: Progress = {
      processed: 0,
      bytesRead: batch.totalBytes === null ? null : 0,
      preset: batch.preset,
      unknownColumns: [],
    };
    const heartbeat = setInterval(() => {
      this.#storage.batches
        .progress(batch.tenantId, batch.id, {
          processedCount: progress.processed,
          bytesRead: progress.bytesRead,
          heartbeatAt: this.#clock.now().toISOString(),
        })
        .then(
          (alive) => {
            // Failed by another instance: stop working on it (the commit would refuse anyway).
            if (!alive) controller.abort(new IntegrationError('BATCH_FAILED', TAKEN_OVER));
          },
          (error: unknown) =>
            this.#logger.warn('Data Manager heartbeat failed', { batch_id: batch.id, error: String(error) }),
        );
    }, this.#heartbeatMs);
    heartbeat.unref?.();
    const done = (async () => {
      try {
        await work(progress, controller.signal);
      } catch (error) {
        await this.#fail(batch, progress, error);
      } finally {
        clearInterval(heartbeat);
        this.#running.delete(batch.id);
        ticket.release();
      }
      return toDataBatch((await this.#storage.batches.get(batch.tenantId, batch.id)) ?? batch);
    })();
    this.#running.set(batch.id, { controller, done });
    return { batch: toDataBatch(batch), done };
  }

  /**
   * The import transaction, in one place: opens the sink, lets `produce` write rows, then
   * publishes them together with the batch's `completed` state, or discards everything.
   */
  async #write(
    batch: BatchRecord,
    entity: EntityDefinition,
    keys: RowKeys,
    progress: Progress,
    signal: AbortSignal,
    produce: (importer: EntityImport<EntityRow>) => Promise<number>,
  ): Promise<void> {
    const target: ImportTarget = {
      tenantId: batch.tenantId,
      batchId: batch.id,
      createdAt: batch.createdAt,
      mode: batch.mode ?? 'upsert',
    };
    const importer = await entity.sink.open(target);
    try {
      const recordCount = await produce(importer);
      signal.throwIfAborted();
      await importer.commit(async (tx, counts: ImportCounts) => {
        const completed = await tx.batches.complete(batch.tenantId, batch.id, {
          recordCount,
          counts,
          processedCount: progress.processed,
          bytesRead: progress.bytesRead,
          preset: progress.preset,
          unknownColumns: progress.unknownColumns,
          completedAt: this.#clock.now().toISOString(),
        });
        if (!completed) throw new IntegrationError('BATCH_FAILED', TAKEN_OVER);
        await this.#queueForSync(tx, entity, batch, 'written');
      });
    } catch (error) {
      await importer.abort().catch(() => undefined);
      if (error instanceof ExistingKeys) throw existingRows(error, keys);
      throw error;
    }
    this.#logger.info('Data Manager batch completed', {
      batch_id: batch.id,
      tenant_id: batch.tenantId,
      type: batch.type,
      entity_type: batch.entityType,
    });
  }

  /**
   * Queues a batch's rows for the sync outbox inside `tx`, when the entity is synced at all: the
   * rows it inserted or changed as upserts when it is written (rows it found equal are already on
   * the sync target); the rows its purge deletes as deletes, before they go.
   */
  async #queueForSync(
    tx: IntegrationStorage,
    entity: EntityDefinition,
    batch: BatchRecord,
    which: 'written' | 'purged',
  ): Promise<void> {
    const outbox = this.#outbox;
    const { sink } = entity;
    if (!outbox?.key(entity.type) || !sink.readBatch) return;
    const toRecord = entity.syncRecord ?? ((row: Record<string, unknown>) => row);
    async function* records(pages: AsyncIterable<readonly Record<string, unknown>[]>): AsyncGenerator<JsonObject> {
      for await (const rows of pages) {
        for (const row of rows) yield toRecord(row) as JsonObject;
      }
    }
    const rows = sink.readBatch(tx, { tenantId: batch.tenantId, batchId: batch.id }, which);
    await outbox.enqueue(tx, batch.tenantId, entity.type, which === 'written' ? 'upsert' : 'delete', records(rows));
  }

  /** Reads, maps and validates every row; writes while the file is clean, keeps counting problems after. */
  async #readCsv(
    entity: EntityDefinition,
    options: UploadOptions,
    defaults: Record<string, string>,
    keys: RowKeys,
    progress: Progress,
    signal: AbortSignal,
    importer: EntityImport<EntityRow>,
  ): Promise<number> {
    const reader = new CsvReader();
    let validate = rowValidator(entity.schema);
    const errors = new RowErrors();
    let mapper: RowMapper | undefined;
    let width = 0;
    let row = 0; // the spreadsheet row number: the header is row 1
    let written = 0;
    let quotesSeen = 0;

    for await (const records of reader.records(abortable(options.source, signal))) {
      const rows: EntityRow[] = [];
      for (const cells of records) {
        row += 1;
        if (isBlankRecord(cells)) continue;
        if (!mapper) {
          const opened = this.#openPreset(new Header(cells), entity, options.preset, defaults, progress);
          mapper = opened;
          keys.columnOf = (field) => opened.columnOf(field) ?? field;
          validate = rowValidator(schemaForDecimal(entity.schema, decimalOf(options, reader)));
          width = cells.length;
          continue;
        }
        progress.processed += 1;
        if (cells.length !== width) {
          errors.add({ row, column: null, message: `has ${cells.length} cells where the header has ${width}` });
          continue;
        }
        let input: ReturnType<RowMapper['map']>;
        try {
          input = mapper.map(cells);
        } catch (error) {
          if (!(error instanceof RowProblem)) throw error;
          errors.add({ row, column: error.column, message: error.message });
          continue;
        }
        if (input === null) continue;
        const parsed = validate(input);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            const field = issue.path.length > 0 ? String(issue.path[0]) : null;
            errors.add({
              row,
              column: field === null ? null : (mapper.columnOf(field) ?? field),
              message: issue.message,
            });
          }
        } else {
          const repeated: RepeatedRow | undefined = keys.add(parsed.data, row);
          if (repeated) {
            const { column } = repeated.identity;
            errors.add({ row, column: mapper.columnOf(column) ?? column, message: repeatedMessage(repeated) });
          } else if (errors.count === 0) {
            rows.push(parsed.data);
          }
        }
      }
      for (; quotesSeen < reader.quoteProblems.length; quotesSeen++) {
        const problem = reader.quoteProblems[quotesSeen] as { record: number; message: string };
        errors.add({ row: problem.record + 1, column: null, message: problem.message });
      }
      // Once a row is bad nothing more is written (the import is discarded at the end), but the
      // rest of the file is still read so the batch can report every problem.
      if (errors.count === 0 && rows.length > 0) {
        await importer.write(rows);
        written += rows.length;
      }
      progress.bytesRead = reader.bytesRead;
      signal.throwIfAborted();
    }
    if (!mapper) {
      throw new IntegrationError('BATCH_FAILED', 'The file is empty: it needs a header row and data rows.');
    }
    if (errors.count > 0) throw new InvalidRows(errors);
    if (written === 0) throw new IntegrationError('BATCH_FAILED', `The file has no ${entity.type} to import.`);
    return written;
  }

  #openPreset(
    header: Header,
    entity: EntityDefinition,
    presetId: string | undefined,
    defaults: Record<string, string>,
    progress: Progress,
  ): RowMapper {
    const preset = presetId !== undefined ? requirePreset(presetId, entity) : detectPreset(header, entity);
    if (!preset) {
      const errors = new RowErrors();
      errors.add({
        row: 1,
        column: null,
        message: `matches no known format: expected our columns (${entity.requiredColumns.join(', ')}, …)${otherExportsText(entity)}`,
      });
      throw new InvalidRows(errors);
    }
    progress.preset = preset.id;
    const opening = preset.open(header, { entity, defaults });
    if ('errors' in opening) {
      const errors = new RowErrors();
      for (const error of opening.errors) errors.add(error);
      throw new InvalidRows(errors);
    }
    progress.unknownColumns = opening.unknownColumns;
    return opening.mapper;
  }

  async #fail(batch: BatchRecord, progress: Progress, error: unknown): Promise<void> {
    const rowErrors = error instanceof InvalidRows ? error.rowErrors : undefined;
    try {
      await this.#storage.batches.fail(batch.tenantId, batch.id, {
        errorMessage: isIntegrationError(error)
          ? error.message
          : 'The rows could not be written; nothing was imported.',
        errors: rowErrors?.first ?? [],
        errorCount: rowErrors?.count ?? 0,
        processedCount: progress.processed,
        bytesRead: progress.bytesRead,
        preset: progress.preset,
        unknownColumns: progress.unknownColumns,
        completedAt: this.#clock.now().toISOString(),
      });
    } catch (storeError) {
      this.#logger.error('Data Manager could not record a failed batch', {
        batch_id: batch.id,
        error: String(storeError),
      });
    }
    this.#logFailure(batch, error);
  }

  #logFailure(batch: BatchRecord, error: unknown): void {
    const fields: Record<string, unknown> = {
      batch_id: batch.id,
      tenant_id: batch.tenantId,
      type: batch.type,
      entity_type: batch.entityType,
    };
    if (isIntegrationError(error)) {
      this.#logger.warn('Data Manager batch failed', { ...fields, reason: error.message });
    } else {
      // Not a user's mistake: keep the details for the operator, out of the batch.
      this.#logger.error('Data Manager batch failed', {
        ...fields,
        error:
          error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
      });
    }
  }
}

function importMode(mode: ImportMode | undefined): ImportMode {
  if (mode === undefined) return 'upsert';
  if (!IMPORT_MODES.includes(mode)) throw invalid('mode', 'must be upsert or insert_only');
  return mode;
}

/** An `insert_only` import's rows whose keys exist, as row errors naming the rows of the file. */
function existingRows(error: ExistingKeys, keys: RowKeys): IntegrationError {
  const errors = new RowErrors();
  const column = keys.keyColumn === undefined ? null : keys.columnOf(keys.keyColumn);
  const rows = error.keys
    .map((values) => keys.rowOf(values))
    .filter((row): row is number => row !== undefined)
    .sort((a, b) => a - b);
  const message = 'already exists: this import only inserts (mode insert_only); use mode upsert to update it';
  for (const row of rows) errors.add({ row, column, message });
  if (errors.count === 0) {
    return new IntegrationError('BATCH_FAILED', `${error.count} rows already exist; nothing was imported.`);
  }
  errors.count = Math.max(errors.count, error.count);
  return new InvalidRows(errors);
}

/** The request's decimal mark, else a comma for files separated by semicolons, else a point. */
function decimalOf(options: UploadOptions, reader: CsvReader): DecimalMark {
  return options.decimal ?? (reader.delimiter === ';' ? 'comma' : 'point');
}

function assertTenant(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new IntegrationError('UNAUTHORIZED', 'A tenant id is required.');
  }
}
