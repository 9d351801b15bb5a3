import type { ActivityLog } from '../activity.js';
import type { Clock } from '../clock.js';
import type { Connector, ConnectorRegistry } from '../connectors.js';
import { IntegrationError, parseInput } from '../errors.js';
import type { RetryPolicy } from '../http/retry.js';
import type { IntegrationService } from '../integrations.js';
import type { Logger } from '../logger.js';
import type { PaymentObserver } from '../payments/observer.js';
import { isSettled, refundCounts } from '../payments/state.js';
import type { AccountingEntryWrite, AccountingKind } from '../storage/accounting.js';
import type { IntegrationStorage } from '../storage/port.js';
import { assertTenant } from '../tenant.js';
import {
  type AccountingEntryView,
  type AccountingRefundInput,
  entryView,
  entryWrite,
  refundInput,
  type SaleInput,
  saleInput,
} from './entries.js';
import {
  type AccountingConnector,
  AccountingFlush,
  type AccountingFlushOptions,
  type AccountingFlushReport,
  type AccountingStats,
} from './flush.js';
import { type AccountingPassReport, AccountingScheduler } from './scheduler.js';

export type { AccountingEntryView, AccountingRefundInput, SaleInput } from './entries.js';
export type { AccountingConnector, AccountingFlushOptions, AccountingFlushReport, AccountingStats } from './flush.js';
export type { AccountingPassReport } from './scheduler.js';

export interface AccountingOptions {
  /** Retries of one push within a flush on 429, 5xx and network errors (default 3 attempts, 1 s doubling, waits up to 60 s). */
  retry?: RetryPolicy;
  /** After those: the first wait before the tenant's entries are tried again (default 30 s), doubling per attempt. */
  backoffMs?: number;
  /** The longest such wait (default one hour). */
  maxBackoffMs?: number;
  /** How long a flush's claim on a tenant lasts without renewal (default 10 minutes). */
  claimTtlMs?: number;
  /** Replaces the wait between retries (tests). */
  wait?: (ms: number) => Promise<void>;
}

export interface RecordOptions {
  /** The storage handle of the caller's transaction, so the sale or refund and its entry commit together. */
  storage?: IntegrationStorage;
}

export interface AccountingParts {
  storage: IntegrationStorage;
  connector: AccountingConnector;
  /** Names the checkout provider in a paid sale's memo. */
  connectors: ConnectorRegistry;
  connections: Pick<IntegrationService, 'withCredentials' | 'context'>;
  activity: ActivityLog;
  clock: Clock;
  logger: Logger;
}

/** Labels of the figures core adds to the accounting connector's summary. */
export const ACCOUNTING_LABELS: Readonly<Record<keyof AccountingStats, string>> = {
  receipts_pushed: 'Receipts recorded',
  receipts_failed: 'Receipts refused',
  last_push_at: 'Last recorded',
  pending: 'Waiting to be recorded',
};

export const DEFAULT_ACCOUNTING_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 };

/**
 * The accounting ledger (`integrations.accounting`): every paid sale and every refund, once, in
 * the merchant's books through the connector with an `accounting` capability.
 *
 * Entries are written in the transaction that makes the sale paid (a payment becoming `paid`,
 * through {@link paymentObserver}; the host's own sales through {@link recordSale}), one per
 * (tenant, kind, reference), with a request id made once and sent on every attempt, so neither a
 * repeated webhook nor a retry after a timeout records a sale twice. A flush pushes the due
 * entries; `start` runs it periodically.
 */
export class AccountingService {
  readonly #parts: AccountingParts;
  readonly #flusher: AccountingFlush;
  readonly #scheduler: AccountingScheduler;
  readonly #inFlight = new Map<string, Promise<AccountingFlushReport>>();
  /** Queues a sale for every payment that becomes paid; the payments service calls it in its transaction. */
  readonly paymentObserver: PaymentObserver;

  constructor(parts: AccountingParts, options: AccountingOptions = {}) {
    this.#parts = parts;
    this.#flusher = new AccountingFlush({
      ...parts,
      retry: options.retry ?? DEFAULT_ACCOUNTING_RETRY,
      backoffMs: options.backoffMs ?? 30_000,
      maxBackoffMs: options.maxBackoffMs ?? 60 * 60_000,
      claimTtlMs: options.claimTtlMs ?? 10 * 60_000,
      wait: options.wait,
      stats: (tenantId) => this.stats(tenantId),
    });
    this.#scheduler = new AccountingScheduler({
      ...parts,
      provider: parts.connector.id,
      flush: (tenantId, signal) => this.flush(tenantId, { signal }),
      flushing: (tenantId) => this.#inFlight.has(tenantId),
    });
    this.paymentObserver = async (tx, before, after, detail) => {
      // A refund that starts counting is given back in the books (RefundReceipt), once per refund.
      if (detail?.refund) {
        const { refund } = detail;
        if (!refundCounts(refund.status)) return;
        await this.#record(
          tx,
          entryWrite(
            after.tenantId,
            'refund',
            {
              reference: refund.id,
              saleReference: after.orderId,
              amount: refund.amount,
              currency: refund.currency,
              occurredAt: refund.updatedAt,
              memo: refund.reason ? `Refund: ${refund.reason}` : undefined,
            },
            this.#now(),
          ),
        );
        return;
      }
      // The sale is recorded when the money first arrives (a later refund or dispute keeps it).
      if (!isSettled(after.status) || isSettled(before.status)) return;
      const via = parts.connectors.has(after.provider) ? parts.connectors.get(after.provider) : undefined;
      const session = after.providerRef ? ` (${after.providerRef})` : '';
      await this.#record(
        tx,
        entryWrite(
          after.tenantId,
          'sale',
          {
            reference: after.orderId,
            amount: after.amount,
            currency: after.currency,
            occurredAt: after.updatedAt,
            memo: `Paid online through ${via?.displayName ?? after.provider}${session}`,
          },
          this.#now(),
        ),
      );
    };
  }

  /** The connector whose `accounting` receives the entries. */
  get provider(): string {
    return this.#parts.connector.id;
  }

  supports(provider: string): boolean {
    return provider === this.#parts.connector.id;
  }

  /**
   * Queues a sale the host took itself (cash, its own card terminal) for the tenant's books.
   * Recording the same `reference` again changes nothing and returns the entry as stored. Returns
   * null (and stores nothing) while the tenant has not connected the accounting connector.
   */
  async recordSale(
    tenantId: string,
    sale: SaleInput,
    options: RecordOptions = {},
  ): Promise<AccountingEntryView | null> {
    assertTenant(tenantId);
    const input = parseInput(saleInput, sale, 'sale');
    return this.#recordIn(options, entryWrite(tenantId, 'sale', input, this.#now()));
  }

  /**
   * Queues a refund of a sale (`saleReference`) for the tenant's books; `reference` is the
   * refund's own id. Call it in the transaction that records the refund (`{ storage: tx }`).
   * Same rules as {@link recordSale}.
   */
  async recordRefund(
    tenantId: string,
    refund: AccountingRefundInput,
    options: RecordOptions = {},
  ): Promise<AccountingEntryView | null> {
    assertTenant(tenantId);
    const input = parseInput(refundInput, refund, 'refund');
    return this.#recordIn(options, entryWrite(tenantId, 'refund', input, this.#now()));
  }

  /** One entry of the ledger, or undefined. */
  async entry(tenantId: string, kind: AccountingKind, reference: string): Promise<AccountingEntryView | undefined> {
    assertTenant(tenantId);
    const record = await this.#parts.storage.accounting.get(tenantId, kind, reference);
    return record && entryView(record);
  }

  async stats(tenantId: string): Promise<AccountingStats> {
    assertTenant(tenantId);
    const counts = await this.#parts.storage.accounting.counts(tenantId);
    return {
      receipts_pushed: counts.pushed,
      receipts_failed: counts.failed,
      last_push_at: counts.lastPushAt,
      pending: counts.pending,
    };
  }

  /**
   * Pushes the tenant's due entries now. Concurrent calls in this process share one flush; while
   * another server flushes the tenant this throws `ACCOUNTING_IN_PROGRESS` (409); without a
   * connection, the connector's not-connected error (409).
   */
  flush(tenantId: string, options: AccountingFlushOptions = {}): Promise<AccountingFlushReport> {
    assertTenant(tenantId);
    const running = this.#inFlight.get(tenantId);
    if (running) return running;
    const flush = this.#requireConnected(tenantId)
      .then(() => this.#flusher.run(tenantId, this.#parts.connector, options))
      .finally(() => this.#inFlight.delete(tenantId));
    this.#inFlight.set(tenantId, flush);
    return flush;
  }

  /** Puts the entries the provider refused back in the queue (after the merchant fixed the cause) and flushes. */
  retryFailed(tenantId: string): Promise<AccountingFlushReport> {
    return this.flush(tenantId, { retryFailed: true });
  }

  /** One pass over every tenant with entries due (what the periodic flush runs). */
  flushDue(): Promise<AccountingPassReport> {
    return this.#scheduler.pass();
  }

  /** Flushes every tenant with entries due every `intervalMs` (default 15 s), until {@link stop}. For servers. */
  start(options: { intervalMs?: number } = {}): void {
    this.#scheduler.start(options.intervalMs ?? 15_000);
  }

  /** Stops the periodic flush and waits for running flushes to finish. */
  async stop(): Promise<void> {
    await this.#scheduler.stop();
    await Promise.allSettled(this.#inFlight.values());
  }

  async #recordIn(options: RecordOptions, write: AccountingEntryWrite): Promise<AccountingEntryView | null> {
    if (options.storage) return this.#record(options.storage, write);
    return this.#parts.storage.transaction((tx) => this.#record(tx, write));
  }

  async #record(tx: IntegrationStorage, write: AccountingEntryWrite): Promise<AccountingEntryView | null> {
    if (!(await tx.credentials.get(write.tenantId, this.#parts.connector.id))) return null;
    const { entry } = await tx.accounting.insert(write, this.#now());
    return entryView(entry);
  }

  async #requireConnected(tenantId: string): Promise<void> {
    const { connector, storage } = this.#parts;
    if (!(await storage.credentials.get(tenantId, connector.id))) {
      throw new IntegrationError(
        connector.notConnectedCode ?? 'NOT_CONNECTED',
        `${connector.displayName} is not connected for this account.`,
        { status: 409 },
      );
    }
  }

  #now(): string {
    return this.#parts.clock.now().toISOString();
  }
}

/** The ledger for the one connector with an `accounting` capability, if any; more than one is refused. */
export function accountingLedger(
  connectors: readonly Connector[],
  parts: Omit<AccountingParts, 'connector'>,
  options: AccountingOptions | undefined,
): AccountingService | undefined {
  const books = connectors.filter((connector): connector is AccountingConnector => connector.accounting !== undefined);
  if (books.length > 1) {
    throw new IntegrationError('VALIDATION_FAILED', 'Only one connector can record sales in the books.');
  }
  const [connector] = books;
  return connector ? new AccountingService({ ...parts, connector }, options) : undefined;
}
