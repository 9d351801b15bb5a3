import { IntegrationError } from '../errors.js';
import type { RetryPolicy } from '../http/retry.js';
import type { ServiceBase } from '../parts.js';
import type { IntegrationStorage, JsonObject } from '../storage/port.js';
import type { SyncItemWrite, SyncOp } from '../storage/sync.js';
import { assertTenant } from '../tenant.js';
import type { StoredCredentials } from '../vault.js';
import type { SyncConnector } from './failures.js';
import { type FlushOptions, type SyncReport, type SyncStats, TenantFlush } from './flush.js';
import { syncItem } from './item.js';
import { type PassReport, type SchedulerOptions, SyncScheduler } from './scheduler.js';

export type { SyncConnector } from './failures.js';
export type { FlushOptions, SyncReport, SyncStats } from './flush.js';

export interface SyncOptions extends SchedulerOptions {
  /** Rows per request, at most 500 (the default). */
  chunkSize?: number;
  /** Retries of one request on 429, 5xx and network errors (default 4 attempts, 0.5 s doubling, waits up to 30 s). */
  retry?: RetryPolicy;
  /** How long a flush's claim on a tenant lasts without renewal (default 10 minutes). */
  claimTtlMs?: number;
  /** How long delivered items stay in the queue for inspection (default one day). */
  keepDeliveredMs?: number;
  /** Replaces the wait between retries (tests). */
  wait?: (ms: number) => Promise<void>;
}

export interface EnqueueOptions {
  /** The storage handle of the caller's transaction, so the change and its sync item commit together. */
  storage?: IntegrationStorage;
}

export interface PeriodicFlushOptions {
  /** Time between passes over the tenants with pending items (default 30 s). */
  intervalMs?: number;
}

type SyncParts = ServiceBase;

export const MAX_SYNC_CHUNK = 500;
const ENQUEUE_SLICE = 1_000;
export const DEFAULT_SYNC_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * The sync outbox. Features enqueue their changes (inside their own transaction), a flush pushes
 * them to the connected sync target in order, and the figures stay true: `pending_queue_count`
 * counts what is still to deliver, `last_sync_at` is when rows last reached the target.
 *
 * A flush holds the tenant's claim (see `SyncStateStore.claim`) for as long as it pushes, so
 * processes sharing one database never push one tenant's queue at the same time: per record key
 * the changes arrive in the order they were enqueued.
 */
export class SyncService {
  readonly #parts: SyncParts;
  readonly #flusher: TenantFlush;
  readonly #inFlight = new Map<string, Promise<SyncReport>>();
  readonly #scheduler: SyncScheduler;

  constructor(parts: SyncParts, options: SyncOptions = {}) {
    const chunkSize = options.chunkSize ?? MAX_SYNC_CHUNK;
    if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_SYNC_CHUNK) {
      throw new IntegrationError('VALIDATION_FAILED', `The sync chunk size must be 1 to ${MAX_SYNC_CHUNK} rows.`);
    }
    const targets = parts.connectors.list().filter((connector) => connector.sync);
    if (targets.length > 1) {
      throw new IntegrationError('VALIDATION_FAILED', 'Only one connector can receive the sync outbox.');
    }
    this.#parts = parts;
    this.#flusher = new TenantFlush({
      storage: parts.storage,
      activity: parts.activity,
      clock: parts.clock,
      logger: parts.logger,
      outbound: parts.outbound,
      events: parts.events,
      chunkSize,
      retry: options.retry ?? DEFAULT_SYNC_RETRY,
      claimTtlMs: options.claimTtlMs ?? 10 * 60_000,
      keepDeliveredMs: options.keepDeliveredMs ?? 24 * 60 * 60_000,
      wait: options.wait,
      stats: (tenantId) => this.stats(tenantId),
    });
    this.#scheduler = new SyncScheduler(
      {
        storage: parts.storage,
        clock: parts.clock,
        logger: parts.logger,
        provider: () => this.#target()?.id,
        flush: (tenantId, flush) => this.flush(tenantId, flush),
        flushing: (tenantId) => this.#inFlight.has(tenantId),
      },
      options,
    );
  }

  /** The columns that identify `entity`'s rows on the sync target; undefined when it has no table there. */
  keyOf(entity: string): readonly string[] | undefined {
    return this.#target()?.sync.entities[entity]?.key;
  }

  /** The entities the sync target has a table for, in the connector's order (none without a target). */
  entities(): string[] {
    return Object.keys(this.#target()?.sync.entities ?? {});
  }

  /** Whether changes of `entity` have a table on the sync target (when one is configured). */
  syncs(entity: string): boolean {
    return this.keyOf(entity) !== undefined;
  }

  /** Whether `provider` is the connector that receives the outbox. */
  supports(provider: string): boolean {
    return this.#target()?.id === provider;
  }

  /**
   * Queues one change of `entity` for the tenant's sync target. Returns `false` (and stores
   * nothing) when the tenant has not connected one. `record` is the whole row for an upsert, or
   * at least its key columns for a delete; its `tenant_id` is always the given tenant.
   */
  async enqueue(
    tenantId: string,
    entity: string,
    op: SyncOp,
    record: JsonObject,
    options: EnqueueOptions = {},
  ): Promise<boolean> {
    return (await this.enqueueMany(tenantId, entity, op, [record], options)) > 0;
  }

  /**
   * {@link enqueue} for many records of one entity, e.g. every row a Data Manager batch wrote or
   * purged. `records` may be an async iterable (rows read page by page inside the transaction);
   * they are written in slices, so memory stays flat. Returns how many were queued (0 when the
   * tenant has not connected the sync target).
   */
  async enqueueMany(
    tenantId: string,
    entity: string,
    op: SyncOp,
    records: Iterable<JsonObject> | AsyncIterable<JsonObject>,
    options: EnqueueOptions = {},
  ): Promise<number> {
    assertTenant(tenantId);
    if (op !== 'upsert' && op !== 'delete') {
      throw new IntegrationError('VALIDATION_FAILED', `A sync operation is "upsert" or "delete", not "${String(op)}".`);
    }
    const connector = this.#target();
    if (!connector) return 0;
    const mapping = connector.sync.entities[entity];
    if (!mapping) {
      throw new IntegrationError(
        'VALIDATION_FAILED',
        `No ${connector.displayName} table is configured for "${entity}": add it to the connector's tables.`,
      );
    }
    if (!options.storage) {
      // On its own, the call is one transaction: all of the records are queued or none.
      return this.#parts.storage.transaction((tx) => this.enqueueMany(tenantId, entity, op, records, { storage: tx }));
    }
    const { storage } = options;
    if (!(await storage.credentials.get(tenantId, connector.id))) return 0;
    const now = this.#now();
    let slice: SyncItemWrite[] = [];
    let queued = 0;
    for await (const record of records) {
      slice.push(syncItem(tenantId, entity, mapping, op, record));
      if (slice.length === ENQUEUE_SLICE) {
        await storage.syncQueue.enqueue(slice, now);
        queued += slice.length;
        slice = [];
      }
    }
    if (slice.length > 0) await storage.syncQueue.enqueue(slice, now);
    return queued + slice.length;
  }

  async stats(tenantId: string): Promise<SyncStats> {
    assertTenant(tenantId);
    const provider = this.#target()?.id ?? '';
    const [counts, state] = await Promise.all([
      this.#parts.storage.syncQueue.counts(tenantId),
      this.#parts.storage.syncState.get(tenantId, provider),
    ]);
    return {
      last_sync_at: state?.lastSyncAt ?? null,
      pending_queue_count: counts.pending,
      failed_queue_count: counts.failed,
    };
  }

  /**
   * Pushes the tenant's pending changes now. Concurrent calls in this process share one flush;
   * while another process flushes the tenant this throws `SYNC_IN_PROGRESS` (409). With a
   * `signal`, the flush stops before its next request once the signal is aborted.
   */
  flush(tenantId: string, options: FlushOptions = {}): Promise<SyncReport> {
    assertTenant(tenantId);
    const running = this.#inFlight.get(tenantId);
    if (running) return running;
    const flush = this.requireConnected(tenantId)
      .then(({ connector, credentials }) => this.#flusher.run(tenantId, connector, credentials, options))
      .finally(() => this.#inFlight.delete(tenantId));
    this.#inFlight.set(tenantId, flush);
    return flush;
  }

  /**
   * One pass over every tenant with pending changes (what the periodic flush runs): a few
   * tenants at a time (`concurrency`), each for at most `tenantBudgetMs`. A tenant whose flush
   * failed, or delivered nothing within its budget, waits longer before the next try, doubling
   * from `intervalMs` up to 15 minutes.
   */
  flushPending(intervalMs = 30_000): Promise<PassReport> {
    return this.#scheduler.pass(intervalMs);
  }

  /** Flushes every tenant with pending changes every `intervalMs`, until {@link stop}. For servers. */
  start(options: PeriodicFlushOptions = {}): void {
    this.#scheduler.start(options.intervalMs ?? 30_000);
  }

  /** Stops the periodic flush and waits for running flushes to finish. */
  async stop(): Promise<void> {
    await this.#scheduler.stop();
    await Promise.allSettled(this.#inFlight.values());
  }

  /** Drops a tenant's undelivered changes; part of disconnecting the sync target. */
  async discard(storage: IntegrationStorage, tenantId: string, provider: string): Promise<void> {
    if (this.supports(provider)) await storage.syncQueue.discard(tenantId);
  }

  /** The sync target and the tenant's credentials for it; 404 without a target, 409 when not connected. */
  async requireConnected(tenantId: string): Promise<{ connector: SyncConnector; credentials: StoredCredentials }> {
    assertTenant(tenantId);
    const connector = this.#target();
    if (!connector) throw new IntegrationError('NOT_FOUND', 'No sync target is configured.');
    const credentials = await this.#parts.vault.get(tenantId, connector.id);
    if (!credentials) {
      throw new IntegrationError(
        connector.notConnectedCode ?? 'NOT_CONNECTED',
        `${connector.displayName} is not connected for this account.`,
        { status: 409 },
      );
    }
    return { connector, credentials };
  }

  #target(): SyncConnector | undefined {
    return this.#parts.connectors.list().find((connector): connector is SyncConnector => Boolean(connector.sync));
  }

  #now(): string {
    return this.#parts.clock.now().toISOString();
  }
}
