import type { Clock } from '../clock.js';
import { IntegrationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { PeriodicPass } from '../periodic.js';
import type { IntegrationStorage } from '../storage/port.js';

interface SchedulerParts {
  storage: IntegrationStorage;
  clock: Clock;
  logger: Logger;
  provider: string;
  flush(tenantId: string, signal: AbortSignal): Promise<{ success: boolean }>;
  /** Whether a flush of the tenant is running in this process. */
  flushing(tenantId: string): boolean;
}

/** What one pass did, per tenant. */
export interface AccountingPassReport {
  /** Tenants whose due entries were all recorded. */
  flushed: string[];
  /** Tenants with an entry refused, or whose flush stopped (provider down, rate limiting, credentials refused). */
  failed: string[];
  /** Tenants left alone: not connected, waiting for a reconnect, or flushed by another server. */
  skipped: string[];
}

const TENANT_PAGE = 100;
const CONCURRENCY = 4;

/**
 * The periodic flush of the accounting ledger: passes over the tenants with entries due, a few
 * at a time. Backoff lives in the entries themselves (their next attempt time), so it holds
 * across restarts and servers.
 */
export class AccountingScheduler {
  readonly #parts: SchedulerParts;
  readonly #periodic: PeriodicPass;
  readonly #running = new Set<AbortController>();

  constructor(parts: SchedulerParts) {
    this.#parts = parts;
    this.#periodic = new PeriodicPass(parts.logger, 'accounting');
  }

  async pass(): Promise<AccountingPassReport> {
    const report: AccountingPassReport = { flushed: [], failed: [], skipped: [] };
    let after: string | undefined;
    for (;;) {
      const now = this.#parts.clock.now().toISOString();
      const tenants = await this.#parts.storage.accounting.tenantsDue(now, after, TENANT_PAGE);
      for (let start = 0; start < tenants.length; start += CONCURRENCY) {
        await Promise.all(
          tenants.slice(start, start + CONCURRENCY).map(async (tenantId) => {
            report[await this.#visit(tenantId)].push(tenantId);
          }),
        );
      }
      const last = tenants.at(-1);
      if (tenants.length < TENANT_PAGE || last === undefined) return report;
      after = last;
    }
  }

  start(intervalMs: number): void {
    this.#periodic.start(intervalMs, () => this.pass());
  }

  /** Stops the passes; running flushes stop before their next entry. */
  async stop(): Promise<void> {
    for (const running of this.#running) running.abort();
    await this.#periodic.stop();
  }

  async #visit(tenantId: string): Promise<keyof AccountingPassReport> {
    const { storage, provider } = this.#parts;
    if (this.#parts.flushing(tenantId)) return 'skipped';
    // Entries of a tenant that disconnected wait, unchanged, until it connects again.
    if (!(await storage.credentials.get(tenantId, provider))) return 'skipped';
    if ((await storage.statuses.get(tenantId, provider))?.needsReconnect) return 'skipped';
    const controller = new AbortController();
    this.#running.add(controller);
    try {
      const report = await this.#parts.flush(tenantId, controller.signal);
      return report.success ? 'flushed' : 'failed';
    } catch (error) {
      if (error instanceof IntegrationError && error.code === 'ACCOUNTING_IN_PROGRESS') return 'skipped';
      return 'failed';
    } finally {
      this.#running.delete(controller);
    }
  }
}
