import { randomUUID } from 'node:crypto';
import type { ActivityLog } from '../activity.js';
import { formatPrice } from '../batches/money.js';
import type { Clock } from '../clock.js';
import type { Connector } from '../connectors.js';
import { IntegrationError } from '../errors.js';
import { isRetryable, type RetryPolicy, withRetries } from '../http/retry.js';
import type { IntegrationService } from '../integrations.js';
import type { Logger } from '../logger.js';
import type { AccountingEntryRecord } from '../storage/accounting.js';
import type { IntegrationStorage } from '../storage/port.js';
import { accountingEntry } from './entries.js';
import type { AccountingCapability } from './target.js';

export type AccountingConnector = Connector & { accounting: AccountingCapability };

/** The ledger figures of a tenant, as the accounting connector's summary shows them. */
export interface AccountingStats {
  receipts_pushed: number;
  receipts_failed: number;
  last_push_at: string | null;
  pending: number;
}

export interface AccountingFlushReport extends AccountingStats {
  /** `false` when the provider refused an entry (it is marked failed and logged) or the flush stopped early. */
  success: boolean;
  message: string;
  /** Entries recorded in the books by this flush. */
  pushed: number;
  /** Entries the provider refused for good during this flush. */
  failed: number;
}

export interface AccountingFlushOptions {
  /** First puts entries the provider refused earlier back in the queue. */
  retryFailed?: boolean;
  /** Once aborted, no further entry is sent. */
  signal?: AbortSignal;
}

export interface FlushParts {
  storage: IntegrationStorage;
  connections: Pick<IntegrationService, 'withCredentials' | 'context'>;
  activity: ActivityLog;
  clock: Clock;
  logger: Logger;
  /** Retries of one push within a flush, on `RATE_LIMITED` and `PROVIDER_UNAVAILABLE`. */
  retry: RetryPolicy;
  /** After the retries: the first wait before the tenant's entries are tried again, doubling per attempt. */
  backoffMs: number;
  maxBackoffMs: number;
  claimTtlMs: number;
  wait: ((ms: number) => Promise<void>) | undefined;
  stats(tenantId: string): Promise<AccountingStats>;
}

const PAGE_SIZE = 100;

const entries = (count: number) => `${count} ${count === 1 ? 'entry' : 'entries'}`;

/** Where the flush's claim lives: the sync state row of this name, one per tenant. */
export function accountingClaimKey(connector: Connector): string {
  return `${connector.id}:accounting`;
}

function describe(entry: AccountingEntryRecord): string {
  const money = `${formatPrice(entry.payload.amount, entry.payload.currency)} ${entry.payload.currency.toUpperCase()}`;
  return `the ${entry.kind} ${entry.reference} (${money})`;
}

/**
 * One flush of a tenant's ledger: claims the tenant (the sync state's claim, under its own name),
 * so servers sharing a database never push one tenant's entries at the same time, then pushes
 * each due entry with its stored request id and settles it in a transaction fenced by the claim.
 *
 * Outcomes per entry: recorded → `pushed`; `RATE_LIMITED` / `PROVIDER_UNAVAILABLE` (after the
 * in-flush retries) → stays pending, and the tenant's entries wait (doubling, or the provider's
 * `Retry-After`); a refused credential → the connection is marked `needs_reconnect` and the
 * entries wait for the merchant; any other refusal → `failed` with the provider's message, in
 * the log.
 */
export class AccountingFlush {
  readonly #parts: FlushParts;

  constructor(parts: FlushParts) {
    this.#parts = parts;
  }

  async run(
    tenantId: string,
    connector: AccountingConnector,
    options: AccountingFlushOptions,
  ): Promise<AccountingFlushReport> {
    const { storage } = this.#parts;
    const token = randomUUID();
    const key = accountingClaimKey(connector);
    if (!(await storage.syncState.claim(tenantId, key, token, this.#now(), this.#claimUntil()))) {
      throw new IntegrationError(
        'ACCOUNTING_IN_PROGRESS',
        `Another server is already recording this account's sales in ${connector.displayName}. Try again shortly.`,
      );
    }
    try {
      if (options.retryFailed) await storage.accounting.retryFailed(tenantId, this.#now());
      return await this.#push(tenantId, connector, token, options);
    } finally {
      await storage.syncState.releaseClaim(tenantId, key, token);
    }
  }

  async #push(
    tenantId: string,
    connector: AccountingConnector,
    token: string,
    options: AccountingFlushOptions,
  ): Promise<AccountingFlushReport> {
    const { storage, activity } = this.#parts;
    const provider = connector.id;
    const keepClaim = async (store: IntegrationStorage = storage) => {
      if (!(await store.syncState.renewClaim(tenantId, accountingClaimKey(connector), token, this.#claimUntil()))) {
        throw new IntegrationError(
          'ACCOUNTING_IN_PROGRESS',
          `Another server took over recording this account's sales in ${connector.displayName}.`,
        );
      }
    };
    let pushed = 0;
    let failed = 0;
    let stop: IntegrationError | undefined;
    let afterId = 0;
    pages: for (;;) {
      const due = await storage.accounting.listDue(tenantId, this.#now(), afterId, PAGE_SIZE);
      if (due.length === 0) break;
      for (const entry of due) {
        afterId = entry.id;
        if (options.signal?.aborted) break pages;
        await keepClaim();
        const outcome = await this.#pushOne(tenantId, connector, entry);
        if ('documentId' in outcome) {
          await storage.transaction(async (tx) => {
            await keepClaim(tx);
            await tx.accounting.markPushed(tenantId, entry.id, outcome.documentId, this.#now());
          });
          pushed += 1;
          continue;
        }
        const { error } = outcome;
        if (this.#refusal(connector, error)) {
          await storage.transaction(async (tx) => {
            await keepClaim(tx);
            await tx.accounting.markFailed(tenantId, entry.id, error.message, this.#now());
          });
          failed += 1;
          await activity.record({
            tenantId,
            provider,
            level: 'error',
            event: 'accounting_failed',
            message: `${connector.displayName} refused ${describe(entry)}: ${error.message}`,
            details: { error_code: error.code, kind: entry.kind, reference: entry.reference, ...error.details },
          });
          continue;
        }
        stop = error;
        await this.#wait(tenantId, connector, entry, error);
        break pages;
      }
    }
    const stats = await this.#parts.stats(tenantId);
    if (pushed > 0 || failed > 0) {
      await activity.record({
        tenantId,
        provider,
        level: failed > 0 ? 'warning' : 'info',
        event: 'accounting_pushed',
        message: `${entries(pushed)} recorded in ${connector.displayName}${failed > 0 ? `, ${failed} refused` : ''}.`,
        details: { pushed, failed, pending: stats.pending },
      });
    }
    const waiting = stats.pending > 0 ? ` ${entries(stats.pending)} wait for the next try.` : '';
    return {
      success: failed === 0 && stop === undefined,
      message: stop
        ? `Recording in ${connector.displayName} stopped: ${stop.message}${waiting}`
        : pushed + failed === 0
          ? `Nothing to record: every sale is already in ${connector.displayName}.`
          : `${entries(pushed)} recorded in ${connector.displayName}${failed > 0 ? `; ${failed} refused (see the logs)` : ''}.`,
      pushed,
      failed,
      ...stats,
    };
  }

  async #pushOne(
    tenantId: string,
    connector: AccountingConnector,
    entry: AccountingEntryRecord,
  ): Promise<{ documentId: string } | { error: IntegrationError }> {
    const { connections } = this.#parts;
    try {
      const result = await withRetries(
        () =>
          connections.withCredentials(tenantId, connector.id, (credentials) =>
            connector.accounting.push(
              accountingEntry(entry),
              entry.requestId,
              credentials,
              connections.context(tenantId),
            ),
          ),
        this.#parts.retry,
        this.#parts.wait,
      );
      return { documentId: result.documentId };
    } catch (error) {
      if (error instanceof IntegrationError) return { error };
      this.#parts.logger.error(
        { tenant_id: tenantId, provider: connector.id, error: error instanceof Error ? error.name : typeof error },
        'Unexpected failure recording an accounting entry',
      );
      return { error: new IntegrationError('PROVIDER_UNAVAILABLE', 'Recording the entry failed unexpectedly.') };
    }
  }

  /** A refusal for this entry alone: a 4xx that neither retrying nor reconnecting changes. */
  #refusal(connector: Connector, error: IntegrationError): boolean {
    return (
      !isRetryable(error) &&
      !error.needsReconnect &&
      error.code !== (connector.notConnectedCode ?? 'NOT_CONNECTED') &&
      error.status >= 400 &&
      error.status < 500
    );
  }

  /** The provider is down, rate limiting or refusing the credentials: the tenant's entries wait. */
  async #wait(
    tenantId: string,
    connector: AccountingConnector,
    entry: AccountingEntryRecord,
    error: IntegrationError,
  ): Promise<void> {
    const { storage, clock } = this.#parts;
    const now = this.#now();
    if (error.needsReconnect) {
      await storage.statuses.put({
        tenantId,
        provider: connector.id,
        status: 'error',
        lastTestedAt: now,
        lastError: error.message,
        lastErrorCode: error.code,
        needsReconnect: true,
        updatedAt: now,
      });
    }
    // Waiting for the merchant needs no timer: the periodic flush skips a connection that needs
    // reconnecting, and connecting again lets the entries go at once.
    const doubling = this.#parts.backoffMs * 2 ** Math.min(entry.attempts, 20);
    const delay = error.needsReconnect
      ? 0
      : Math.min(
          Math.max(error.retryAfter !== undefined ? error.retryAfter * 1000 : 0, doubling),
          this.#parts.maxBackoffMs,
        );
    const until = new Date(clock.now().getTime() + delay).toISOString();
    await storage.accounting.reschedule(tenantId, entry.id, error.message, until, now);
    if (delay > 0) await storage.accounting.postpone(tenantId, until, now);
    await this.#parts.activity.record({
      tenantId,
      provider: connector.id,
      level: 'warning',
      event: 'accounting_waiting',
      message: error.needsReconnect
        ? `Recording sales in ${connector.displayName} waits until it is connected again: ${error.message}`
        : `Recording sales in ${connector.displayName} waits until ${until}: ${error.message}`,
      details: { error_code: error.code, next_attempt_at: until },
    });
  }

  #claimUntil(): string {
    return new Date(this.#parts.clock.now().getTime() + this.#parts.claimTtlMs).toISOString();
  }

  #now(): string {
    return this.#parts.clock.now().toISOString();
  }
}
