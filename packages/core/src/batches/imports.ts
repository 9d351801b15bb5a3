import { randomInt } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CataloguePage } from '../catalogue/capability.js';
import type { Clock } from '../clock.js';
import { fieldError, IntegrationError } from '../errors.js';
import type { BatchTicket } from '../limits/batch-slots.js';
import type { Logger } from '../logger.js';
import {
  type BatchRecord,
  type EntityImport,
  ExistingKeys,
  IMPORT_MODES,
  type ImportCounts,
  type ImportMode,
  type ImportTarget,
  RepeatedKeys,
} from '../storage/batches.js';
import { describeIssues, formatBound, summarize } from '../validation.js';
import { readCsv } from './csv-import.js';
import type { EntityDefinition, EntityRow } from './entities.js';
import { rowValidator } from './fields.js';
import { DECIMAL_MARKS, type DecimalMark, isCurrencyCode } from './money.js';
import { type BatchOutbox, queueBatchRows, readMissing } from './outbox.js';
import { requirePreset } from './presets/index.js';
import { readProviderPages } from './provider-rows.js';
import { existingRows, repeatedRows } from './row-errors.js';
import { ImportRows } from './row-numbers.js';
import { type BatchRun, type BatchRunner, type Progress, TAKEN_OVER } from './runner.js';

export const DEFAULT_SEED_COUNT = 25;
export const MAX_SEED_COUNT = 100_000;
const SEED_CHUNK = 1000;

export interface SeedOptions {
  entityType: string;
  /** Rows to generate: 1 to 100000, default 25. */
  count?: number;
  /** The same seed and count give the same rows. */
  seed?: number;
  /** A client's key for this request: repeating it returns the first batch instead of a second one. */
  idempotencyKey?: string;
  /** A slot taken with `Batches.admit`; without one the seed takes its own. */
  ticket?: BatchTicket;
  /** What a row whose key exists does (default `upsert`: it updates that row). */
  mode?: ImportMode;
}

/** A provider's catalogue as the Data Manager imports it (see `Batches.importFrom`). */
export interface ProviderImportOptions {
  entityType: string;
  /** The connector it comes from (`square`): the batch's `source`. */
  source: string;
  /** What the provider is called, for messages (`Square`). */
  providerName: string;
  /** The provider's pages, read once; stops when `signal` aborts. */
  pages(signal: AbortSignal): AsyncIterable<CataloguePage>;
  /** Remove the rows last imported from this provider that it no longer has (default: count and list them). */
  removeMissing?: boolean;
  idempotencyKey?: string;
  ticket?: BatchTicket;
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
  /** A slot taken with `Batches.admit` before the file arrived; without one the upload takes its own. */
  ticket?: BatchTicket;
  /**
   * What a row whose key the tenant already has does: `upsert` (default) updates that row (or
   * leaves it as it is when equal); `insert_only` makes it a row error, and nothing is imported.
   */
  mode?: ImportMode;
}

interface ImportParts {
  runner: BatchRunner;
  clock: Clock;
  logger: Logger;
  outbox: BatchOutbox | undefined;
  /** Currency of prices in files that name none. */
  defaultCurrency: string;
}

/**
 * The import pipeline: seeds and CSV uploads, each a batch run by the {@link BatchRunner}. Rows
 * go through the entity's sink, which publishes them in the same transaction that marks the
 * batch `completed` (and queues them for the sync outbox); any invalid row or failure leaves no
 * row and a `failed` batch.
 */
export class BatchImports {
  readonly #parts: ImportParts;

  constructor(parts: ImportParts) {
    this.#parts = parts;
  }

  /** Generates realistic rows (deterministic when `seed` is given) and writes them as one batch. */
  async seed(tenantId: string, entity: EntityDefinition, options: SeedOptions): Promise<BatchRun> {
    const count = options.count ?? DEFAULT_SEED_COUNT;
    if (!Number.isInteger(count) || count < 1 || count > MAX_SEED_COUNT) {
      throw fieldError('count', `must be a whole number from 1 to ${formatBound(MAX_SEED_COUNT)}`);
    }
    const seed = options.seed ?? randomInt(2 ** 31);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw fieldError('seed', `must be a whole number from 0 to ${formatBound(0xffffffff)}`);
    }
    const fake = entity.fake;
    if (!fake) throw fieldError('entity_type', `${entity.type} has no generator to seed from`);
    const mode = importMode(options.mode);
    const written = new ImportRows();
    const batch = { type: 'seed', entityType: entity.type, preset: null, totalBytes: null, mode } as const;
    const { idempotencyKey } = options;
    return this.#parts.runner.start(
      tenantId,
      { ...batch, idempotencyKey },
      options.ticket,
      async (record, progress, signal) => {
        const { faker } = await import('@faker-js/faker/locale/en_US');
        const validate = rowValidator(entity.schema);
        await this.#write(record, entity, written, progress, signal, async (importer) => {
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
              rows.push(parsed.data);
              written.add(index + 1);
            }
            await importer.write(rows);
            progress.processed += rows.length;
            signal.throwIfAborted();
            await nextTurn(); // requests and heartbeats run between chunks
          }
          return count;
        });
      },
    );
  }

  /**
   * Streams a CSV into a new batch. Returns once the batch exists; `done` settles when every row
   * has been read and either all of them were written or none.
   */
  async upload(tenantId: string, entity: EntityDefinition, options: UploadOptions): Promise<BatchRun> {
    if (options.preset !== undefined) requirePreset(options.preset, entity);
    const defaults: Record<string, string> = {};
    if (entity.columns.includes('currency')) defaults.currency = this.#parts.defaultCurrency;
    if (options.currency !== undefined) {
      if (!entity.columns.includes('currency')) throw fieldError('currency', `${entity.type} have no currency`);
      const currency = options.currency.trim().toUpperCase();
      if (!isCurrencyCode(currency)) throw fieldError('currency', 'must be an ISO 4217 currency code such as USD');
      defaults.currency = currency;
    }
    if (options.decimal !== undefined && !DECIMAL_MARKS.includes(options.decimal)) {
      throw fieldError('decimal', 'must be point or comma');
    }
    const totalBytes = options.totalBytes ?? null;
    if (totalBytes !== null && !(Number.isSafeInteger(totalBytes) && totalBytes >= 0)) {
      throw fieldError('totalBytes', 'must be a whole number of bytes');
    }
    const mode = importMode(options.mode);
    const written = new ImportRows();
    const batch = {
      type: 'upload',
      entityType: entity.type,
      preset: options.preset ?? null,
      totalBytes,
      mode,
    } as const;
    return this.#parts.runner.start(
      tenantId,
      { ...batch, idempotencyKey: options.idempotencyKey },
      options.ticket,
      (record, progress, signal) =>
        this.#write(record, entity, written, progress, signal, (importer) =>
          readCsv(options, { entity, defaults, rows: written, progress, signal, importer }),
        ),
      // The first request's batch stands: this file is closed unread.
      () => void options.source[Symbol.asyncIterator]().return?.(),
    );
  }

  /**
   * Imports a provider's catalogue as one `provider_import` batch: every row validated like an
   * upload's, upserted by the entity's key, all or nothing. The rows the tenant last imported
   * from the same provider that it no longer has are counted and listed in the batch, and removed
   * with `removeMissing`. Columns the entity writes only when reported (`reportedOnly`, a
   * product's stock) keep their stored value when the provider left them out.
   */
  async importFrom(tenantId: string, entity: EntityDefinition, options: ProviderImportOptions): Promise<BatchRun> {
    if (options.removeMissing !== undefined && typeof options.removeMissing !== 'boolean') {
      throw fieldError('remove_missing', 'must be true or false');
    }
    const written = new ImportRows();
    const batch = {
      type: 'provider_import',
      entityType: entity.type,
      preset: null,
      totalBytes: null,
      mode: 'upsert',
      source: options.source,
      removeMissing: options.removeMissing ?? false,
    } as const;
    return this.#parts.runner.start(
      tenantId,
      { ...batch, idempotencyKey: options.idempotencyKey },
      options.ticket,
      (record, progress, signal) =>
        this.#write(record, entity, written, progress, signal, (importer) =>
          readProviderPages(options.pages(signal), {
            entity,
            providerName: options.providerName,
            rows: written,
            progress,
            signal,
            importer,
          }),
        ),
    );
  }

  /**
   * The import transaction, in one place: opens the sink, lets `produce` write rows, then
   * publishes them together with the batch's `completed` state, or discards everything.
   */
  async #write(
    batch: BatchRecord,
    entity: EntityDefinition,
    written: ImportRows,
    progress: Progress,
    signal: AbortSignal,
    produce: (importer: EntityImport<EntityRow>) => Promise<number>,
  ): Promise<void> {
    const target: ImportTarget = {
      tenantId: batch.tenantId,
      batchId: batch.id,
      createdAt: batch.createdAt,
      mode: batch.mode ?? 'upsert',
      ...(batch.source !== null
        ? { source: batch.source, removeMissing: batch.removeMissing, keep: entity.reportedOnly ?? [] }
        : {}),
    };
    const importer = await entity.sink.open(target);
    try {
      const recordCount = await produce(importer);
      signal.throwIfAborted();
      const { runner } = this.#parts;
      await runner.tracked((track) =>
        importer.commit(async (sinkTx, counts: ImportCounts) => {
          const tx = track(sinkTx);
          const missing =
            counts.missing === undefined ? undefined : await readMissing(tx, entity, batch, counts.missing);
          const completed = await tx.batches.complete(batch.tenantId, batch.id, {
            recordCount,
            counts,
            processedCount: progress.processed,
            bytesRead: progress.bytesRead,
            preset: progress.preset,
            unknownColumns: progress.unknownColumns,
            ...(progress.total !== null ? { totalCount: progress.total } : {}),
            ...(missing ? { missing } : {}),
            completedAt: this.#parts.clock.now().toISOString(),
          });
          if (!completed) throw new IntegrationError('BATCH_FAILED', TAKEN_OVER);
          await queueBatchRows(this.#parts.outbox, tx, entity, batch, 'written');
          // The rows a provider import removes leave the sync target too.
          if (batch.removeMissing && counts.missing) {
            await queueBatchRows(this.#parts.outbox, tx, entity, batch, 'missing');
          }
          await runner.announce(tx, batch.tenantId, batch.id);
        }),
      );
    } catch (error) {
      await importer.abort().catch(() => undefined);
      if (error instanceof ExistingKeys) throw existingRows(error, written);
      if (error instanceof RepeatedKeys) {
        if (batch.type === 'seed') throw new Error(`The ${entity.type} generator made a row twice: ${error.message}`);
        throw repeatedRows(error, written);
      }
      throw error;
    }
    this.#parts.logger.info(
      {
        batch_id: batch.id,
        tenant_id: batch.tenantId,
        type: batch.type,
        entity_type: batch.entityType,
      },
      'Data Manager batch completed',
    );
  }
}

function importMode(mode: ImportMode | undefined): ImportMode {
  if (mode === undefined) return 'upsert';
  if (!IMPORT_MODES.includes(mode)) throw fieldError('mode', 'must be upsert or insert_only');
  return mode;
}
