import type { Clock } from '../clock.js';
import { IntegrationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { PeriodicPass } from '../periodic.js';
import type { IntegrationStorage } from '../storage/port.js';

/** How a flush the scheduler starts is bounded and observed. */
export interface ScheduledFlush {
  /** Aborted when the tenant's budget for the pass is spent: the flush stops before its next request. */
  signal: AbortSignal;
  /**
   * Hears how many rows each request the target accepted carried. A page's rows are settled in
   * the queue once all of its requests are done; rows accepted by a flush stopped mid-page are
   * sent again next time (every request is idempotent).
   */
  onAccepted(rows: number): void;
}

interface SchedulerParts {
  storage: IntegrationStorage;
  clock: Clock;
  logger: Logger;
  /** The connector receiving the outbox; undefined when none is configured. */
  provider(): string | undefined;
  flush(tenantId: string, options: ScheduledFlush): Promise<unknown>;
  /** Whether a flush of the tenant is running in this process. */
  flushing(tenantId: string): boolean;
}

export interface SchedulerOptions {
  /** Tenants flushed at the same time in one pass (default 4). */
  concurrency?: number;
  /**
   * How long one tenant's flush may take in one pass, in ms (default 60000). A tenant whose
   * target accepted no request in that time backs off like a failing one; one whose target
   * accepted some continues at the next pass.
   */
  tenantBudgetMs?: number;
}

/** What one pass did, per tenant. */
export interface PassReport {
  /** Tenants whose queued changes were pushed (some may have been refused by the target). */
  flushed: string[];
  /** Tenants whose flush used the budget while its target was accepting rows: the rest goes at the next pass. */
  continued: string[];
  /** Tenants whose flush failed, or whose target accepted nothing within the budget: they back off. */
  failed: string[];
  /** Tenants left alone: backing off, or still busy with an earlier flush. */
  skipped: string[];
}

export const DEFAULT_SYNC_CONCURRENCY = 4;
export const DEFAULT_SYNC_TENANT_BUDGET_MS = 60_000;
const TENANT_PAGE = 100;
const MAX_BACKOFF_MS = 15 * 60_000;

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new IntegrationError('VALIDATION_FAILED', `sync.${name} must be a whole number of at least 1.`);
  }
  return value;
}

/** Runs `work` on every item, at most `size` at a time. `work` must not throw. */
async function eachInPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

/**
 * The periodic flush: passes over the tenants with pending changes, several tenants at a time,
 * each with a time budget, so a tenant whose target is slow or down cannot hold up another's
 * push by more than one pass. A tenant whose flush failed waits before its next try, doubling
 * from the interval up to 15 minutes.
 */
export class SyncScheduler {
  readonly #parts: SchedulerParts;
  readonly #periodic: PeriodicPass;
  readonly #concurrency: number;
  readonly #budgetMs: number;
  readonly #backoff = new Map<string, { failures: number; nextAt: number }>();
  readonly #budgets = new Set<AbortController>();

  constructor(parts: SchedulerParts, options: SchedulerOptions = {}) {
    this.#parts = parts;
    this.#periodic = new PeriodicPass(parts.logger, 'sync');
    this.#concurrency = positiveInteger(options.concurrency, DEFAULT_SYNC_CONCURRENCY, 'concurrency');
    this.#budgetMs = positiveInteger(options.tenantBudgetMs, DEFAULT_SYNC_TENANT_BUDGET_MS, 'tenantBudgetMs');
  }

  /** One pass over every tenant with pending changes; `intervalMs` is the first backoff step. */
  async pass(intervalMs = 30_000): Promise<PassReport> {
    const report: PassReport = { flushed: [], continued: [], failed: [], skipped: [] };
    const provider = this.#parts.provider();
    if (!provider) return report;
    let after: string | undefined;
    for (;;) {
      const tenants = await this.#parts.storage.syncQueue.tenantsWithPending(after, TENANT_PAGE);
      await eachInPool(tenants, this.#concurrency, async (tenantId) => {
        report[await this.#visit(tenantId, provider, intervalMs)].push(tenantId);
      });
      const last = tenants.at(-1);
      if (tenants.length < TENANT_PAGE || last === undefined) return report;
      after = last;
    }
  }

  /** Runs a pass every `intervalMs` until {@link stop}. */
  start(intervalMs: number): void {
    this.#periodic.start(intervalMs, () => this.pass(intervalMs));
  }

  /** Stops the periodic passes; flushes still running stop before their next request. */
  async stop(): Promise<void> {
    for (const budget of this.#budgets) budget.abort();
    await this.#periodic.stop();
  }

  async #visit(tenantId: string, provider: string, intervalMs: number): Promise<keyof PassReport> {
    const { storage, clock } = this.#parts;
    const backoff = this.#backoff.get(tenantId);
    if (backoff && backoff.nextAt > clock.now().getTime()) return 'skipped';
    // A flush that outlived its budget is still finishing its last request: leave it be.
    if (this.#parts.flushing(tenantId)) return 'skipped';
    if (!(await storage.credentials.get(tenantId, provider))) {
      // Queued just before a disconnect: there is no target to deliver to any more.
      await storage.syncQueue.discard(tenantId);
      return 'skipped';
    }
    const budget = new AbortController();
    this.#budgets.add(budget);
    let accepted = 0;
    const flush = this.#parts.flush(tenantId, {
      signal: budget.signal,
      onAccepted: (rows) => {
        accepted += rows;
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const spent = new Promise<'spent'>((resolve) => {
      timer = setTimeout(() => resolve('spent'), this.#budgetMs);
      timer.unref();
    });
    const outcome = await Promise.race([flush.then(() => 'done' as const), spent]).catch((error: unknown) => error);
    clearTimeout(timer);
    if (outcome === 'spent') {
      budget.abort();
      // The flush stops before its next request; its failure is recorded in the tenant's log.
      flush.catch(() => undefined).finally(() => this.#budgets.delete(budget));
    } else {
      this.#budgets.delete(budget);
    }
    if (outcome === 'done' || (outcome === 'spent' && accepted > 0)) {
      this.#backoff.delete(tenantId);
      return outcome === 'done' ? 'flushed' : 'continued';
    }
    if (outcome instanceof IntegrationError && outcome.code === 'SYNC_IN_PROGRESS') return 'skipped';
    const failures = (backoff?.failures ?? 0) + 1;
    const delay = Math.min(intervalMs * 2 ** (failures - 1), MAX_BACKOFF_MS);
    this.#backoff.set(tenantId, { failures, nextAt: clock.now().getTime() + delay });
    return 'failed';
  }
}
