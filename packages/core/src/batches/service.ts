import type { Clock } from '../clock.js';
import { fieldError, IntegrationError } from '../errors.js';
import type { HostEvents } from '../events/bus.js';
import type { BatchSlots, BatchTicket } from '../limits/batch-slots.js';
import type { Logger } from '../logger.js';
import type { IntegrationStorage } from '../storage/port.js';
import { assertTenant } from '../tenant.js';
import { formatBound } from '../validation.js';
import type { EntityRegistry } from './entities.js';
import { type CsvExport, exportRows } from './export.js';
import { BatchImports, type ProviderImportOptions, type SeedOptions, type UploadOptions } from './imports.js';
import { isCurrencyCode } from './money.js';
import type { BatchOutbox } from './outbox.js';
import { PRESETS } from './presets/index.js';
import { BatchPurges, type PurgePlan, type PurgeResult } from './purge.js';
import { type BatchRun, BatchRunner } from './runner.js';
import { type DataBatch, toDataBatch } from './view.js';

export type { CsvExport } from './export.js';
export {
  DEFAULT_SEED_COUNT,
  MAX_SEED_COUNT,
  type ProviderImportOptions,
  type SeedOptions,
  type UploadOptions,
} from './imports.js';
export type { BatchOutbox } from './outbox.js';
export type { PurgePlan, PurgeResult } from './purge.js';
export { MAX_ROW_ERRORS } from './row-errors.js';
export type { BatchRun } from './runner.js';

export const DEFAULT_BATCH_PAGE = 50;
export const MAX_BATCH_PAGE = 200;

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

interface BatchesParts {
  storage: IntegrationStorage;
  entities: EntityRegistry;
  clock: Clock;
  logger: Logger;
  outbox?: BatchOutbox;
  options?: BatchesOptions;
  /** The running-batch limits; without them batches are not limited. */
  slots?: BatchSlots;
  /** Where `batch.completed` and `batch.failed` go. */
  events?: HostEvents;
}

/**
 * The Data Manager: seeds, CSV uploads, purges and exports, each recorded as a batch. Writes are
 * all or nothing: rows go through the entity's sink, which publishes them in the same transaction
 * that marks the batch `completed`; any invalid row or failure leaves no row and a `failed` batch.
 *
 * The API over its parts: the {@link BatchRunner} (heartbeats, recovery, limits), the
 * {@link BatchImports} pipeline (seeds and CSV files) and {@link BatchPurges}.
 */
export class Batches {
  readonly entities: EntityRegistry;
  readonly #storage: IntegrationStorage;
  readonly #runner: BatchRunner;
  readonly #imports: BatchImports;
  readonly #purges: BatchPurges;

  constructor(parts: BatchesParts) {
    this.entities = parts.entities;
    this.#storage = parts.storage;
    const options = parts.options ?? {};
    const heartbeatMs = options.heartbeatMs ?? 1000;
    const leaseMs = options.leaseMs ?? 30_000;
    if (!(leaseMs >= 2 * heartbeatMs)) {
      throw new IntegrationError('VALIDATION_FAILED', 'batches.leaseMs must be at least twice batches.heartbeatMs.');
    }
    const defaultCurrency = options.defaultCurrency ?? 'USD';
    if (!isCurrencyCode(defaultCurrency)) {
      throw new IntegrationError('VALIDATION_FAILED', 'batches.defaultCurrency must be an ISO 4217 code such as USD.');
    }
    const { storage, clock, logger, outbox } = parts;
    this.#runner = new BatchRunner({
      storage,
      clock,
      logger,
      slots: parts.slots,
      heartbeatMs,
      leaseMs,
      events: parts.events,
    });
    this.#imports = new BatchImports({ runner: this.#runner, clock, logger, outbox, defaultCurrency });
    this.#purges = new BatchPurges({ storage, entities: parts.entities, runner: this.#runner, clock, logger, outbox });
  }

  /**
   * Takes one of the tenant's running-batch slots, holding `uploadBytes` of its upload allowance,
   * for a seed or upload about to start (a route takes it before it receives the file). Throws
   * `RATE_LIMITED` (429, with `retryAfter`) at a limit. Pass it as `ticket`; it is released when
   * the batch ends, or by `release()` when no batch starts.
   */
  admit(tenantId: string, options: { uploadBytes?: number } = {}): BatchTicket {
    return this.#runner.admit(tenantId, options);
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
  recover(): Promise<DataBatch[]> {
    return this.#runner.recover();
  }

  /** Generates realistic rows (deterministic when `seed` is given) and writes them as one batch. */
  async seed(tenantId: string, options: SeedOptions): Promise<BatchRun> {
    assertTenant(tenantId);
    return this.#imports.seed(tenantId, this.entities.require(options.entityType), options);
  }

  /**
   * Streams a CSV into a new batch. Returns once the batch exists; `done` settles when every row
   * has been read and either all of them were written or none.
   */
  async upload(tenantId: string, options: UploadOptions): Promise<BatchRun> {
    assertTenant(tenantId);
    return this.#imports.upload(tenantId, this.entities.require(options.entityType), options);
  }

  /**
   * Imports rows a provider supplies (its catalogue) as one `provider_import` batch; the
   * `catalogue` service of the integrations reads them from a connected connector.
   */
  async importFrom(tenantId: string, options: ProviderImportOptions): Promise<BatchRun> {
    assertTenant(tenantId);
    return this.#imports.importFrom(tenantId, this.entities.require(options.entityType), options);
  }

  async list(tenantId: string, options: { limit?: number; entityType?: string } = {}): Promise<DataBatch[]> {
    assertTenant(tenantId);
    const limit = options.limit ?? DEFAULT_BATCH_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_BATCH_PAGE) {
      throw fieldError('limit', `must be a whole number from 1 to ${formatBound(MAX_BATCH_PAGE)}`);
    }
    await this.#runner.ready();
    const records = await this.#storage.batches.list({
      tenantId,
      limit,
      ...(options.entityType !== undefined ? { entityType: options.entityType } : {}),
    });
    return records.map(toDataBatch);
  }

  async get(tenantId: string, id: string): Promise<DataBatch> {
    return toDataBatch(await this.#runner.find(tenantId, id));
  }

  /**
   * What purging a batch would do now, for a confirmation: how many rows it would delete, and how
   * many rows the batch inserted stay because a later batch imported them again.
   */
  previewPurge(tenantId: string, id: string): Promise<PurgePlan> {
    return this.#purges.preview(tenantId, id);
  }

  /**
   * Deletes the rows one batch owns for this tenant (the rows it inserted that no later batch
   * imported again; see `docs/data-manager.md`), in one transaction that also records the purge as
   * a `purge` batch. Purging a purged batch again returns the first purge.
   */
  purge(tenantId: string, id: string): Promise<PurgeResult> {
    return this.#purges.purge(tenantId, id);
  }

  /**
   * Every row of one entity type of the tenant as CSV in our own format (what an upload reads
   * back). `onRows` hears how many rows have been turned into text so far, a page at a time.
   */
  exportCsv(tenantId: string, entityType: string, options: { onRows?(rows: number): void } = {}): CsvExport {
    assertTenant(tenantId);
    return exportRows(this.entities.require(entityType), tenantId, options);
  }

  /** How many rows of one entity type the tenant has; undefined when its sink cannot count. */
  async count(tenantId: string, entityType: string): Promise<number | undefined> {
    assertTenant(tenantId);
    return this.entities.require(entityType).sink.count?.(tenantId);
  }

  /** Stops the recovery sweep and fails the batches still running (nothing of theirs is written). */
  close(): Promise<void> {
    return this.#runner.close();
  }
}
