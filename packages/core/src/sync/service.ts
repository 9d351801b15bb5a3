import { randomUUID } from 'node:crypto';
import type { ActivityLog } from '../activity.js';
import type { Clock } from '../clock.js';
import type { Connector, ConnectorRegistry } from '../connectors.js';
import { redact } from '../crypto/mask.js';
import { IntegrationError } from '../errors.js';
import type { OutboundHttp } from '../http/outbound.js';
import type { RetryPolicy } from '../http/retry.js';
import type { Logger } from '../logger.js';
import type { IntegrationStorage, JsonObject } from '../storage/port.js';
import type { SyncItem, SyncItemWrite, SyncOp } from '../storage/sync.js';
import type { CredentialVault, StoredCredentials } from '../vault.js';
import { syncItem } from './item.js';
import { planChanges, type RowPlan } from './plan.js';
import { pushPage } from './push.js';
import { type PassReport, type ScheduledFlush, type SchedulerOptions, SyncScheduler } from './scheduler.js';
import type { SyncCapability } from './target.js';

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

export interface FlushOptions extends Partial<ScheduledFlush> {
  /** First puts rows the target refused earlier back in the queue. */
  retryFailed?: boolean;
}

export interface EnqueueOptions {
  /** The storage handle of the caller's transaction, so the change and its sync item commit together. */
  storage?: IntegrationStorage;
}

/** The sync figures of a tenant, as the summary shows them. */
export interface SyncStats {
  last_sync_at: string | null;
  pending_queue_count: number;
  failed_queue_count: number;
}

export interface SyncReport extends SyncStats {
  /** `false` when the target refused some rows (they are marked failed and logged). */
  success: boolean;
  message: string;
  /** Queued items delivered by this flush. */
  delivered: number;
  /** Queued items the target refused for good. */
  rejected: number;
}

export interface PeriodicFlushOptions {
  /** Time between passes over the tenants with pending items (default 30 s). */
  intervalMs?: number;
}

interface SyncParts {
  storage: IntegrationStorage;
  vault: CredentialVault;
  activity: ActivityLog;
  connectors: ConnectorRegistry;
  clock: Clock;
  logger: Logger;
  outbound: OutboundHttp;
}

export type SyncConnector = Connector & { sync: SyncCapability };

export const MAX_SYNC_CHUNK = 500;
const PAGE_SIZE = 2_000;
const NARROWING_BUDGET = 64;
const ENQUEUE_SLICE = 1_000;
const LOGGED_KEYS = 20;
export const DEFAULT_SYNC_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

function assertTenant(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new IntegrationError('UNAUTHORIZED', 'A tenant id is required.');
  }
}

function displayKey(recordKey: string): string {
  return (JSON.parse(recordKey) as unknown[]).join(' / ');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

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
  readonly #chunkSize: number;
  readonly #retry: RetryPolicy;
  readonly #claimTtlMs: number;
  readonly #keepDeliveredMs: number;
  readonly #wait: ((ms: number) => Promise<void>) | undefined;
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
    this.#chunkSize = chunkSize;
    this.#retry = options.retry ?? DEFAULT_SYNC_RETRY;
    this.#claimTtlMs = options.claimTtlMs ?? 10 * 60_000;
    this.#keepDeliveredMs = options.keepDeliveredMs ?? 24 * 60 * 60_000;
    this.#wait = options.wait;
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
    const flush = this.#flush(tenantId, options).finally(() => this.#inFlight.delete(tenantId));
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

  async #flush(tenantId: string, options: FlushOptions): Promise<SyncReport> {
    const { connector, credentials } = await this.requireConnected(tenantId);
    const token = randomUUID();
    if (!(await this.#parts.storage.syncState.claim(tenantId, connector.id, token, this.#now(), this.#claimUntil()))) {
      throw new IntegrationError(
        'SYNC_IN_PROGRESS',
        `Another server is already pushing this account's changes to ${connector.displayName}. Try again shortly.`,
        { status: 409 },
      );
    }
    try {
      if (options.retryFailed) await this.#parts.storage.syncQueue.retryFailed(tenantId, this.#now());
      return await this.#push(tenantId, connector, credentials, token, options);
    } finally {
      await this.#parts.storage.syncState.releaseClaim(tenantId, connector.id, token);
    }
  }

  async #push(
    tenantId: string,
    connector: SyncConnector,
    credentials: StoredCredentials,
    token: string,
    options: FlushOptions,
  ): Promise<SyncReport> {
    const { storage, activity } = this.#parts;
    const provider = connector.id;
    const secrets = Object.values(credentials.secret);
    const upToId = await storage.syncQueue.lastPendingId(tenantId);
    let delivered = 0;
    let rejected = 0;
    if (upToId !== undefined) {
      const startedAt = this.#parts.clock.now().getTime();
      const { pending } = await storage.syncQueue.counts(tenantId);
      await activity.record({
        tenantId,
        provider,
        level: 'info',
        event: 'sync_started',
        message: `Pushing ${plural(pending, 'queued change')} to ${connector.displayName}.`,
        details: { pending_queue_count: pending },
      });
      const target = connector.sync.open(credentials, {
        tenantId,
        clock: this.#parts.clock,
        logger: this.#parts.logger,
        outbound: this.#parts.outbound,
      });
      // Renewed before every request and in every settling transaction, so the claim outlives
      // slow pages, and a flusher that lost it stops.
      const keepClaim = async (store: IntegrationStorage = storage) => {
        if (!(await store.syncState.renewClaim(tenantId, provider, token, this.#claimUntil()))) {
          throw new IntegrationError(
            'SYNC_IN_PROGRESS',
            `Another server took over pushing this account's changes to ${connector.displayName}.`,
            { status: 409 },
          );
        }
      };
      let afterId = 0;
      for (;;) {
        const items = await storage.syncQueue.listPending(tenantId, { afterId, upToId }, PAGE_SIZE);
        const last = items.at(-1);
        if (!last) break;
        afterId = last.id;
        const plans = planChanges(items);
        let page: Awaited<ReturnType<typeof pushPage>>;
        try {
          page = await pushPage(target, connector.sync.entities, plans, {
            chunkSize: this.#chunkSize,
            retry: this.#retry,
            narrowingBudget: NARROWING_BUDGET,
            keepClaim: () => keepClaim(),
            ...(options.onAccepted ? { onAccepted: options.onAccepted } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
            ...(this.#wait ? { wait: this.#wait } : {}),
          });
        } catch (error) {
          throw await this.#stopped(tenantId, connector, items, error, secrets, delivered);
        }
        const rejections = this.#groupRejections(connector, page.rejected, secrets);
        const doneIds = page.delivered.flatMap((plan) => plan.itemIds);
        const now = this.#now();
        await storage.transaction(async (tx) => {
          // Settling is fenced by the claim: a flusher that lost it must not touch the queue.
          await keepClaim(tx);
          await tx.syncQueue.settle(tenantId, doneIds, { status: 'done' }, now);
          for (const rejection of rejections) {
            await tx.syncQueue.settle(tenantId, rejection.itemIds, { status: 'failed', error: rejection.message }, now);
          }
          if (doneIds.length > 0) await tx.syncState.recordSync(tenantId, provider, now);
        });
        delivered += doneIds.length;
        for (const rejection of rejections) {
          rejected += rejection.itemIds.length;
          await activity.record({
            tenantId,
            provider,
            level: 'error',
            event: 'sync_failed',
            message: rejection.message,
            details: rejection.details,
            secrets,
          });
        }
        if (page.unsent.size > 0) {
          // The pass's budget for this tenant is spent: what was sent is settled, the rest waits.
          const unsent = new Set([...page.unsent].flatMap((plan) => plan.itemIds));
          const budgetSpent = new IntegrationError(
            'PROVIDER_UNAVAILABLE',
            `${connector.displayName} took longer than this account's share of the sync pass.`,
            { status: 503 },
          );
          throw await this.#stopped(
            tenantId,
            connector,
            items.filter((item) => unsent.has(item.id)),
            budgetSpent,
            secrets,
            delivered,
          );
        }
      }
      await storage.syncQueue.pruneDone(tenantId, new Date(startedAt - this.#keepDeliveredMs).toISOString());
      const stats = await this.stats(tenantId);
      await activity.record({
        tenantId,
        provider,
        level: rejected > 0 ? 'warning' : 'info',
        event: 'sync_completed',
        message: `${plural(delivered, 'change')} pushed to ${connector.displayName}${rejected > 0 ? `, ${rejected} refused` : ''}.`,
        details: {
          delivered,
          rejected,
          pending_queue_count: stats.pending_queue_count,
          duration_ms: this.#parts.clock.now().getTime() - startedAt,
        },
      });
    }
    const stats = await this.stats(tenantId);
    return {
      success: rejected === 0,
      message:
        upToId === undefined
          ? 'Nothing to push: every change is already synced.'
          : `${plural(delivered, 'change')} pushed to ${connector.displayName}${rejected > 0 ? `; ${rejected} refused (see the logs)` : ''}.`,
      delivered,
      rejected,
      ...stats,
    };
  }

  /** Records why a flush stopped, and returns the error to throw. The page's items stay pending. */
  async #stopped(
    tenantId: string,
    connector: SyncConnector,
    items: readonly SyncItem[],
    error: unknown,
    secrets: string[],
    delivered: number,
  ): Promise<IntegrationError> {
    let failure: IntegrationError;
    if (error instanceof IntegrationError) {
      failure = error.withMessage(redact(error.message, secrets));
    } else {
      this.#parts.logger.error('Unexpected sync failure', {
        error: redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error), secrets),
      });
      failure = new IntegrationError('PROVIDER_UNAVAILABLE', 'The sync failed unexpectedly.');
    }
    const now = this.#now();
    await this.#parts.storage.syncQueue.settle(
      tenantId,
      items.map((item) => item.id),
      { status: 'pending', error: failure.message },
      now,
    );
    if (failure.needsReconnect) {
      await this.#parts.storage.statuses.put({
        tenantId,
        provider: connector.id,
        status: 'error',
        lastTestedAt: now,
        lastError: failure.message,
        lastErrorCode: failure.code,
        needsReconnect: true,
        updatedAt: now,
      });
    }
    const { pending } = await this.#parts.storage.syncQueue.counts(tenantId);
    const message = `Sync to ${connector.displayName} stopped: ${failure.message} ${plural(pending, 'change')} wait${pending === 1 ? 's' : ''} for the next try.`;
    await this.#parts.activity.record({
      tenantId,
      provider: connector.id,
      level: 'error',
      event: 'sync_failed',
      message,
      details: { error_code: failure.code, delivered, pending_queue_count: pending },
      secrets,
    });
    return new IntegrationError(failure.code, message, {
      status: failure.status,
      details: { ...failure.details, delivered, pending_queue_count: pending },
      ...(failure.retryAfter !== undefined ? { retryAfter: failure.retryAfter } : {}),
      needsReconnect: failure.needsReconnect,
      cause: failure,
    });
  }

  /** One log row and one stored error per distinct reason, naming the first few records. */
  #groupRejections(connector: SyncConnector, rejected: Map<RowPlan, IntegrationError>, secrets: string[]) {
    const groups = new Map<string, { error: IntegrationError; entity: string; plans: RowPlan[] }>();
    for (const [plan, error] of rejected) {
      const id = `${plan.entity}\u0000${error.code}\u0000${error.message}`;
      const group = groups.get(id);
      if (group) group.plans.push(plan);
      else groups.set(id, { error, entity: plan.entity, plans: [plan] });
    }
    return [...groups.values()].map(({ error, entity, plans }) => {
      const reason = redact(error.message, secrets);
      const count = plans.length;
      return {
        itemIds: plans.flatMap((plan) => plan.itemIds),
        message: `${connector.displayName} refused ${plural(count, `${entity} row`)}: ${reason}`,
        details: {
          error_code: error.code,
          entity,
          table: connector.sync.entities[entity]?.table ?? null,
          count,
          record_keys: plans.slice(0, LOGGED_KEYS).map((plan) => displayKey(plan.recordKey)),
          ...error.details,
        } satisfies JsonObject,
      };
    });
  }

  #target(): SyncConnector | undefined {
    return this.#parts.connectors.list().find((connector): connector is SyncConnector => Boolean(connector.sync));
  }

  #claimUntil(): string {
    return new Date(this.#parts.clock.now().getTime() + this.#claimTtlMs).toISOString();
  }

  #now(): string {
    return this.#parts.clock.now().toISOString();
  }
}
