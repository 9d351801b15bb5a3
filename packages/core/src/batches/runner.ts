import type { Clock } from '../clock.js';
import { fieldError, IntegrationError, isIntegrationError } from '../errors.js';
import { changeWithEvents, type HostEvents } from '../events/bus.js';
import { batchObject } from '../events/objects.js';
import type { BatchSlots, BatchTicket } from '../limits/batch-slots.js';
import type { Logger } from '../logger.js';
import type { BatchRecord, BatchType, ImportMode } from '../storage/batches.js';
import type { IntegrationStorage } from '../storage/port.js';
import { assertTenant } from '../tenant.js';
import { BATCH_ID, timeOrderedId } from './ids.js';
import { InvalidRows } from './row-errors.js';
import { type DataBatch, toDataBatch } from './view.js';

/** A started batch and the promise of its final state (it never rejects for bad rows). */
export interface BatchRun {
  batch: DataBatch;
  done: Promise<DataBatch>;
  /** True when a repeated idempotency key found an earlier request's batch instead of starting one. */
  repeated?: boolean;
}

/** What a running batch has done so far: stored with each heartbeat and at the end. */
export interface Progress {
  processed: number;
  bytesRead: number | null;
  preset: string | null;
  unknownColumns: string[];
  /** How many rows a provider said it has, once it said (a provider import's progress). */
  total: number | null;
}

/** What a new batch is: its kind, entity type and file facts, and the client's idempotency key. */
export interface NewBatch {
  type: BatchType;
  entityType: string;
  preset: string | null;
  totalBytes: number | null;
  idempotencyKey: string | undefined;
  mode: ImportMode;
  /** A provider import's connector and whether it removes what the provider no longer has. */
  source?: string;
  removeMissing?: boolean;
}

interface RunnerParts {
  storage: IntegrationStorage;
  clock: Clock;
  logger: Logger;
  /** The running-batch limits; without them batches are not limited. */
  slots: BatchSlots | undefined;
  heartbeatMs: number;
  leaseMs: number;
  /** Where `batch.completed` and `batch.failed` go; none when the host has no events. */
  events?: HostEvents | undefined;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

const STOPPED = 'The server stopped before the batch finished; nothing was imported.';
const RECOVERED = 'The server working on this batch stopped before it finished; nothing was imported.';
export const TAKEN_OVER =
  'The batch was marked failed while it ran (its heartbeat went stale, so it was taken for dead); nothing was imported.';

/**
 * Runs Data Manager batches: creates each (once per idempotency key), keeps its heartbeat while
 * it works, records its failure, holds the tenant's batch slot until it ends, and fails the
 * batches a dead process left `processing` (at the first operation and every half lease after).
 */
export class BatchRunner {
  readonly #parts: RunnerParts;
  readonly #running = new Map<string, { controller: AbortController; done: Promise<DataBatch> }>();
  #recovery: Promise<void> | undefined;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(parts: RunnerParts) {
    this.#parts = parts;
  }

  /** Takes one of the tenant's running-batch slots (`Batches.admit` documents it). */
  admit(tenantId: string, options: { uploadBytes?: number } = {}): BatchTicket {
    assertTenant(tenantId);
    return this.#parts.slots?.take(tenantId, options.uploadBytes ?? 0) ?? { tenantId, release: () => undefined };
  }

  /** Fails the batches a dead process left `processing` (`Batches.recover` documents it). */
  async recover(): Promise<DataBatch[]> {
    const { storage, clock, logger, leaseMs } = this.#parts;
    const now = clock.now();
    const failed = await changeWithEvents(this.#parts.events, storage, async (tx) => {
      const stale = await tx.batches.failStale(new Date(now.getTime() - leaseMs).toISOString(), {
        errorMessage: RECOVERED,
        completedAt: now.toISOString(),
      });
      for (const batch of stale) await this.#emit(tx, batch);
      return stale;
    });
    for (const batch of failed) {
      logger.warn(
        {
          batch_id: batch.id,
          tenant_id: batch.tenantId,
          type: batch.type,
          entity_type: batch.entityType,
        },
        'Data Manager batch recovered as failed',
      );
    }
    return failed.map(toDataBatch);
  }

  /** Resolves once the first recovery ran (and starts the sweep); rejects when closed. */
  ready(): Promise<void> {
    if (this.#closed) return Promise.reject(new IntegrationError('BATCH_FAILED', 'The Data Manager is closed.'));
    this.#recovery ??= this.recover().then(
      () => {
        this.#sweeper ??= setInterval(() => {
          this.recover().catch((error: unknown) => {
            this.#parts.logger.warn({ error: String(error) }, 'Data Manager recovery sweep failed');
          });
        }, this.#parts.leaseMs / 2);
        this.#sweeper.unref?.();
      },
      (error: unknown) => {
        this.#recovery = undefined;
        throw error;
      },
    );
    return this.#recovery;
  }

  /** One of the tenant's batches, or `NOT_FOUND`. */
  async find(tenantId: string, id: string): Promise<BatchRecord> {
    assertTenant(tenantId);
    await this.ready();
    const record = BATCH_ID.test(id) ? await this.#parts.storage.batches.get(tenantId, id) : undefined;
    if (!record) throw new IntegrationError('NOT_FOUND', `No batch ${id}.`);
    return record;
  }

  /**
   * Starts a batch: stores it as `processing` and runs `work` on it with a heartbeat, holding
   * `ticket` (else a slot it takes) until it ends. A repeated idempotency key returns the batch
   * the first request made instead, after `onEarlier` (which closes what the new request brought).
   */
  async start(
    tenantId: string,
    batch: NewBatch,
    ticket: BatchTicket | undefined,
    work: (record: BatchRecord, progress: Progress, signal: AbortSignal) => Promise<void>,
    onEarlier?: () => void,
  ): Promise<BatchRun> {
    const held = ticket ?? this.admit(tenantId);
    const created = await this.#create(tenantId, batch, held);
    if (created.existing) {
      onEarlier?.();
      return this.#earlier(created.record, batch.type, batch.entityType);
    }
    const { record } = created;
    return this.#run(record, held, (progress, signal) => work(record, progress, signal));
  }

  /**
   * Stores a new `processing` batch, or finds the one an earlier request with the same
   * idempotency key made (`existing`). The ticket goes to the batch this makes; with no new
   * batch it is released here.
   */
  async #create(
    tenantId: string,
    batch: NewBatch,
    ticket: BatchTicket,
  ): Promise<{ record: BatchRecord; existing: boolean }> {
    let record: BatchRecord | undefined;
    const now = this.#parts.clock.now();
    const id = timeOrderedId(now);
    const { idempotencyKey } = batch;
    try {
      if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw fieldError('Idempotency-Key', 'must be 1 to 255 visible ASCII characters');
      }
      await this.ready();
      record = await this.#parts.storage.batches.insert({
        id,
        tenantId,
        type: batch.type,
        entityType: batch.entityType,
        status: 'processing',
        preset: batch.preset,
        totalBytes: batch.totalBytes,
        bytesRead: batch.totalBytes === null ? null : 0,
        targetBatchId: null,
        mode: batch.mode,
        ...(batch.source !== undefined ? { source: batch.source, removeMissing: batch.removeMissing ?? false } : {}),
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
    return { batch, done: this.#running.get(record.id)?.done ?? Promise.resolve(batch), repeated: true };
  }

  /** Runs a batch's work with a heartbeat; any failure marks the batch failed. */
  #run(
    batch: BatchRecord,
    ticket: BatchTicket,
    work: (progress: Progress, signal: AbortSignal) => Promise<void>,
  ): BatchRun {
    const { storage, clock, logger } = this.#parts;
    const controller = new AbortController();
    const progress: Progress = {
      processed: 0,
      bytesRead: batch.totalBytes === null ? null : 0,
      preset: batch.preset,
      unknownColumns: [],
      total: batch.totalCount,
    };
    const heartbeat = setInterval(() => {
      storage.batches
        .progress(batch.tenantId, batch.id, {
          processedCount: progress.processed,
          bytesRead: progress.bytesRead,
          ...(progress.total !== null ? { totalCount: progress.total } : {}),
          heartbeatAt: clock.now().toISOString(),
        })
        .then(
          (alive) => {
            // Failed by another instance: stop working on it (the commit would refuse anyway).
            if (!alive) controller.abort(new IntegrationError('BATCH_FAILED', TAKEN_OVER));
          },
          (error: unknown) =>
            logger.warn({ batch_id: batch.id, error: String(error) }, 'Data Manager heartbeat failed'),
        );
    }, this.#parts.heartbeatMs);
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
      return toDataBatch((await storage.batches.get(batch.tenantId, batch.id)) ?? batch);
    })();
    this.#running.set(batch.id, { controller, done });
    return { batch: toDataBatch(batch), done };
  }

  /** Stops the recovery sweep and fails the batches still running (nothing of theirs is written). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    const running = [...this.#running.values()];
    for (const run of running) run.controller.abort(new IntegrationError('BATCH_FAILED', STOPPED));
    await Promise.allSettled(running.map((run) => run.done));
  }

  async #fail(batch: BatchRecord, progress: Progress, error: unknown): Promise<void> {
    const rowErrors = error instanceof InvalidRows ? error.rowErrors : undefined;
    try {
      await this.finishing(async (tx) => {
        const failed = await tx.batches.fail(batch.tenantId, batch.id, {
          errorMessage: isIntegrationError(error)
            ? error.message
            : 'The rows could not be written; nothing was imported.',
          errors: rowErrors?.first ?? [],
          errorCount: rowErrors?.count ?? 0,
          processedCount: progress.processed,
          bytesRead: progress.bytesRead,
          preset: progress.preset,
          unknownColumns: progress.unknownColumns,
          ...(progress.total !== null ? { totalCount: progress.total } : {}),
          completedAt: this.#parts.clock.now().toISOString(),
        });
        if (failed) await this.announce(tx, batch.tenantId, batch.id);
      });
    } catch (storeError) {
      this.#parts.logger.error(
        {
          batch_id: batch.id,
          error: String(storeError),
        },
        'Data Manager could not record a failed batch',
      );
    }
    this.logFailure(batch, error);
  }

  /**
   * Emits `batch.completed` or `batch.failed` for a batch that just finished, in `tx`'s
   * transaction (the one that finished it).
   */
  async announce(tx: IntegrationStorage, tenantId: string, id: string): Promise<void> {
    if (!this.#parts.events) return;
    const record = await tx.batches.get(tenantId, id);
    if (record) await this.#emit(tx, record);
  }

  /** Finishes a batch with its event: in one transaction when the event goes to the outbox. */
  finishing<T>(work: (tx: IntegrationStorage) => Promise<T>): Promise<T> {
    return changeWithEvents(this.#parts.events, this.#parts.storage, work);
  }

  /**
   * Runs `run` with `track`, which makes a transaction a sink began (its commit, its purge)
   * announce its events to subscribers once it committed.
   */
  tracked<T>(run: (track: (tx: IntegrationStorage) => IntegrationStorage) => Promise<T>): Promise<T> {
    return this.#parts.events ? this.#parts.events.around(run) : run((tx) => tx);
  }

  async #emit(tx: IntegrationStorage, record: BatchRecord): Promise<void> {
    if (record.status !== 'completed' && record.status !== 'failed') return;
    const type = record.status === 'completed' ? 'batch.completed' : 'batch.failed';
    await this.#parts.events?.emit(tx, type, record.tenantId, batchObject(record));
  }

  /** A user's mistake is a warning with its message; anything else an error with its details, for the operator. */
  logFailure(batch: BatchRecord, error: unknown): void {
    const fields: Record<string, unknown> = {
      batch_id: batch.id,
      tenant_id: batch.tenantId,
      type: batch.type,
      entity_type: batch.entityType,
    };
    if (isIntegrationError(error)) {
      this.#parts.logger.warn({ ...fields, reason: error.message }, 'Data Manager batch failed');
    } else {
      // Not a user's mistake: keep the details for the operator, out of the batch.
      this.#parts.logger.error(
        {
          ...fields,
          error:
            error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
        },
        'Data Manager batch failed',
      );
    }
  }
}
