import { randomUUID } from 'node:crypto';
import type { ActivityLog } from '../activity.js';
import type { Clock } from '../clock.js';
import { IntegrationError } from '../errors.js';
import type { HostEvents } from '../events/bus.js';
import type { OutboundHttp } from '../http/outbound.js';
import type { RetryPolicy } from '../http/retry.js';
import type { Logger } from '../logger.js';
import type { IntegrationStorage } from '../storage/port.js';
import type { StoredCredentials } from '../vault.js';
import { flushStopped, groupRejections, plural, type Stop, type SyncConnector } from './failures.js';
import { planChanges } from './plan.js';
import { pushPage } from './push.js';
import type { ScheduledFlush } from './scheduler.js';

export interface FlushOptions extends Partial<ScheduledFlush> {
  /** First puts rows the target refused earlier back in the queue. */
  retryFailed?: boolean;
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

interface FlushParts {
  storage: IntegrationStorage;
  activity: ActivityLog;
  clock: Clock;
  logger: Logger;
  outbound: OutboundHttp;
  events?: HostEvents | undefined;
  chunkSize: number;
  retry: RetryPolicy;
  /** How long a flush's claim on a tenant lasts without renewal. */
  claimTtlMs: number;
  /** How long delivered items stay in the queue for inspection. */
  keepDeliveredMs: number;
  wait: ((ms: number) => Promise<void>) | undefined;
  stats(tenantId: string): Promise<SyncStats>;
}

const PAGE_SIZE = 2_000;
const NARROWING_BUDGET = 64;

/**
 * One flush of a tenant's queue: claims the tenant (see `SyncStateStore.claim`) so processes
 * sharing one database never push its queue at the same time, pushes the pending items page by
 * page in the order they were enqueued, settles each page in a transaction fenced by the claim,
 * and logs what it did.
 */
export class TenantFlush {
  readonly #parts: FlushParts;

  constructor(parts: FlushParts) {
    this.#parts = parts;
  }

  async run(
    tenantId: string,
    connector: SyncConnector,
    credentials: StoredCredentials,
    options: FlushOptions,
  ): Promise<SyncReport> {
    const { storage } = this.#parts;
    const token = randomUUID();
    if (!(await storage.syncState.claim(tenantId, connector.id, token, this.#now(), this.#claimUntil()))) {
      throw new IntegrationError(
        'SYNC_IN_PROGRESS',
        `Another server is already pushing this account's changes to ${connector.displayName}. Try again shortly.`,
        { status: 409 },
      );
    }
    try {
      if (options.retryFailed) await storage.syncQueue.retryFailed(tenantId, this.#now());
      return await this.#push(tenantId, connector, credentials, token, options);
    } finally {
      await storage.syncState.releaseClaim(tenantId, connector.id, token);
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
    const stopped = (stop: Omit<Stop, 'tenantId' | 'connector' | 'secrets' | 'delivered'>) =>
      flushStopped(this.#parts, { tenantId, connector, secrets, delivered, ...stop });
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
            chunkSize: this.#parts.chunkSize,
            retry: this.#parts.retry,
            narrowingBudget: NARROWING_BUDGET,
            keepClaim: () => keepClaim(),
            ...(options.onAccepted ? { onAccepted: options.onAccepted } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
            ...(this.#parts.wait ? { wait: this.#parts.wait } : {}),
          });
        } catch (error) {
          throw await stopped({ items, error });
        }
        const rejections = groupRejections(connector, page.rejected, secrets);
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
          throw await stopped({ items: items.filter((item) => unsent.has(item.id)), error: budgetSpent });
        }
      }
      await storage.syncQueue.pruneDone(tenantId, new Date(startedAt - this.#parts.keepDeliveredMs).toISOString());
      const stats = await this.#parts.stats(tenantId);
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
    const stats = await this.#parts.stats(tenantId);
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

  #claimUntil(): string {
    return new Date(this.#parts.clock.now().getTime() + this.#parts.claimTtlMs).toISOString();
  }

  #now(): string {
    return this.#parts.clock.now().toISOString();
  }
}
