import { createHash, randomUUID } from 'node:crypto';
import type { ActivityLog } from '../activity.js';
import type { Clock } from '../clock.js';
import type { Connector, ConnectorContext, ConnectorCredentials } from '../connectors.js';
import { IntegrationError, parseInput } from '../errors.js';
import type { CheckoutRate } from '../limits/checkout-rate.js';
import type { Logger } from '../logger.js';
import type { PaymentChanges, PaymentRecord } from '../storage/payments.js';
import type { IntegrationStorage, IsoTime } from '../storage/port.js';
import type { SyncService } from '../sync/service.js';
import type { StoredCredentials } from '../vault.js';
import {
  type CheckoutSessionInput,
  checkoutSessionInput,
  orderIdSchema,
  type PaymentListInput,
  paymentListInput,
} from './input.js';
import type {
  CheckoutCapability,
  CheckoutEvent,
  CheckoutSessionRequest,
  CheckoutSessionSnapshot,
  WebhookDelivery,
  WebhookRules,
} from './provider.js';
import { applySessionEvent, MAX_CAS_ATTEMPTS, type SettleParts, sessionAttempt } from './settle.js';
import { nextState } from './state.js';
import {
  decodeCursor,
  encodeCursor,
  outboxRow,
  type PaymentDetail,
  type PaymentPage,
  type PaymentView,
  paymentView,
} from './view.js';

export interface PaymentOptions {
  /**
   * How long one server may talk to the provider for an order before another may take over
   * (default 30 s; longer than a provider call may take).
   */
  claimTtlMs?: number;
  /** Most events kept in a payment's trail, newest last (default 100). */
  trailLimit?: number;
  /** Replaces the pause between looks at another server's claim (tests). */
  wait?: (ms: number) => Promise<void>;
}

/** What happened to a verified webhook event. */
export interface WebhookResult {
  received: true;
  duplicate: boolean;
  outcome: 'applied' | 'unchanged' | 'duplicate' | 'unknown_session' | 'amount_mismatch' | 'ignored' | 'disconnected';
}

/** The parts of the integration service payments use. */
export interface ConnectionAccess {
  requireCredentials(tenantId: string, connector: Connector): Promise<StoredCredentials>;
  withCredentials<T>(
    tenantId: string,
    provider: string,
    use: (credentials: StoredCredentials) => Promise<T>,
  ): Promise<T>;
  context(tenantId: string): ConnectorContext;
  disconnectedByProvider(
    storage: IntegrationStorage,
    tenantId: string,
    provider: string,
    notice: { happenedAt: IsoTime; message: string },
  ): Promise<boolean>;
}

interface PaymentParts {
  storage: IntegrationStorage;
  connector: Connector & { checkout: CheckoutCapability };
  connections: ConnectionAccess;
  sync: SyncService;
  clock: Clock;
  logger: Logger;
  activity: ActivityLog;
  /** Per-tenant rate of checkout session requests; unlimited without it. */
  checkoutRate?: CheckoutRate;
}

type Order = { order_id: string; amount: number; currency: string };

/** Webhook event ids kept in memory, newest last: enough to cover a provider's quick retries. */
const KNOWN_EVENT_IDS = 4096;

function assertTenant(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new IntegrationError('UNAUTHORIZED', 'A tenant id is required.');
  }
}

const parse = parseInput;

/** `pos-checkout-<sha256>`: the same tenant, order and attempt always give the same key. */
export function checkoutIdempotencyKey(tenantId: string, orderId: string, attempt: number): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([tenantId, orderId, attempt]))
    .digest('hex');
  return `pos-checkout-${digest}`;
}

function amountDiffers(row: PaymentRecord, order: Order): boolean {
  return row.amount !== order.amount || row.currency !== order.currency;
}

/**
 * Checkout sessions for POS orders and the webhooks that settle them (`integrations.payments`).
 *
 * One payment per (tenant, order), enforced by the unique constraint. Whoever talks to the
 * provider for an order first claims the row in the database (`claimUntil`, written with a
 * compare-and-swap on the row version), so of any number of concurrent calls, on any number of
 * servers sharing the database, one creates the session and the others wait for it and return
 * it. The provider request carries an idempotency key derived from tenant + order + attempt.
 */
export class PaymentService {
  readonly provider: string;
  /** How the checkout provider delivers webhooks (signature header, body limit). */
  readonly webhook: WebhookRules;
  readonly #parts: PaymentParts;
  readonly #checkout: CheckoutCapability;
  readonly #claimTtlMs: number;
  readonly #trailLimit: number;
  readonly #wait: (ms: number) => Promise<void>;
  readonly #settle: SettleParts;
  /**
   * Event ids this instance knows are recorded: it committed them, or found them recorded.
   * Recorded ids are never removed, so a hit needs no database read; a miss asks the database.
   */
  readonly #knownEventIds = new Set<string>();

  constructor(parts: PaymentParts, options: PaymentOptions = {}) {
    this.#parts = parts;
    this.#checkout = parts.connector.checkout;
    this.provider = parts.connector.id;
    this.webhook = this.#checkout.webhook;
    this.#claimTtlMs = options.claimTtlMs ?? 30_000;
    this.#trailLimit = options.trailLimit ?? 100;
    this.#wait = options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#settle = {
      provider: this.provider,
      logger: parts.logger,
      activity: parts.activity,
      trailLimit: this.#trailLimit,
      enqueue: (tx, row) => this.#enqueue(tx, row),
    };
  }

  /**
   * Returns the order's open checkout session, creating it when there is none (or the last one
   * expired or failed). Throws `PAYMENT_AMOUNT_MISMATCH` when the order has an open session for
   * another amount or currency, `PAYMENT_ALREADY_PAID` / `PAYMENT_PROCESSING` when the order is
   * paid or its payment is on its way, the provider's not-connected code without a connection,
   * and `RATE_LIMITED` when the tenant asks more often than its `checkoutsPerMinute` limit.
   */
  async createCheckoutSession(tenantId: string, input: CheckoutSessionInput | unknown): Promise<PaymentView> {
    assertTenant(tenantId);
    const order = parse<Order>(checkoutSessionInput, input, 'checkout request');
    this.#parts.checkoutRate?.spend(tenantId);
    await this.#parts.connections.requireCredentials(tenantId, this.#parts.connector);
    const { payments } = this.#parts.storage;
    const deadline = performance.now() + this.#claimTtlMs + 5_000;
    let pause = 10;
    let waitedFor: PaymentRecord | undefined;
    for (;;) {
      const now = this.#now();
      const row = await payments.get(tenantId, order.order_id);
      if (!row) {
        const claimed = await this.#insertClaimed(tenantId, order, now);
        const done = claimed && (await this.#create(claimed));
        if (done) return paymentView(done, this.#now());
        continue;
      }
      if (row.claimUntil !== null && row.claimUntil > now) {
        if (performance.now() > deadline) {
          throw new IntegrationError(
            'PROVIDER_UNAVAILABLE',
            'Another request is still creating the checkout session for this order. Try again in a moment.',
            { status: 503, retryAfter: 2 },
          );
        }
        waitedFor = row;
        await this.#wait(pause);
        pause = Math.min(pause * 2, 200);
        continue;
      }
      if (waitedFor && row.providerRef === null && row.lastErrorCode !== null) {
        // The request this one waited for failed: report that rather than trying again at once.
        throw new IntegrationError(
          'PROVIDER_UNAVAILABLE',
          'The checkout session could not be created. Try again in a moment.',
          { status: 502, details: { provider_error_code: row.lastErrorCode } },
        );
      }
      const done = await this.#advance(row, order, now);
      if (done) return paymentView(done, this.#now());
    }
  }

  /** The payment of one order with its event trail; `NOT_FOUND` when the order has none. */
  async get(tenantId: string, orderId: string): Promise<PaymentDetail> {
    assertTenant(tenantId);
    const id = parse<string>(orderIdSchema, orderId, 'order id');
    const row = await this.#parts.storage.payments.get(tenantId, id);
    if (!row) throw new IntegrationError('NOT_FOUND', `No payment exists for order ${id}.`);
    return { ...paymentView(row, this.#now()), events: row.events };
  }

  /** A tenant's payments, newest first, optionally by status; `next_cursor` continues the list. */
  async list(tenantId: string, input: PaymentListInput = {}): Promise<PaymentPage> {
    assertTenant(tenantId);
    const query = parse<{ status?: PaymentRecord['status']; limit?: number; cursor?: string }>(
      paymentListInput,
      input,
      'query',
    );
    const limit = query.limit ?? 20;
    const rows = await this.#parts.storage.payments.list({
      tenantId,
      limit: limit + 1,
      ...(query.status ? { status: query.status } : {}),
      ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
    });
    const page = rows.slice(0, limit);
    const now = this.#now();
    const last = page.at(-1);
    return {
      payments: page.map((row) => paymentView(row, now)),
      next_cursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  /**
   * Verifies a webhook delivery and applies it once. A bad signature throws
   * `WEBHOOK_SIGNATURE_INVALID` before anything is read or written. The event id is recorded in
   * the same transaction as its effect (payment status, trail, sync outbox, disconnect), so a
   * failure leaves no trace and the provider's retry is applied in full.
   */
  async handleWebhook(delivery: WebhookDelivery): Promise<WebhookResult> {
    const receivedAt = this.#parts.clock.now();
    const event = this.#checkout.verifyWebhook(delivery, receivedAt);
    const now = receivedAt.toISOString();
    const duplicate: WebhookResult = { received: true, duplicate: true, outcome: 'duplicate' };
    // Retries are common: ids known to be recorded here are turned away before any transaction.
    // Everything else goes to the insert below, which decides for deliveries arriving together
    // and for other instances sharing the database (a read first would cost every first
    // delivery one more query to spare the rare retry this instance has not seen).
    const { storage } = this.#parts;
    if (this.#knownEventIds.has(event.id)) return duplicate;
    const apply = async (tx: IntegrationStorage): Promise<WebhookResult> => {
      const first = await tx.webhookEvents.record({
        eventId: event.id,
        provider: this.provider,
        type: event.type,
        account: event.account,
        receivedAt: now,
        processedAt: now,
      });
      if (!first) return duplicate;
      switch (event.kind) {
        case 'session':
          return { received: true, duplicate: false, outcome: await applySessionEvent(this.#settle, tx, event, now) };
        case 'deauthorized':
          return { received: true, duplicate: false, outcome: await this.#deauthorize(tx, event) };
        default:
          this.#parts.logger.info('Webhook event ignored', {
            provider: this.provider,
            event_id: event.id,
            type: event.type,
            reason: event.reason,
          });
          return { received: true, duplicate: false, outcome: 'ignored' };
      }
    };
    // Deliveries arriving together may share one transaction (group commit, on SQLite); each is
    // still applied or rolled back on its own, and answered only once the commit is durable.
    const result = await (storage.groupTransaction ? storage.groupTransaction(apply) : storage.transaction(apply));
    this.#knowEventId(event.id);
    return result;
  }

  #knowEventId(eventId: string): void {
    this.#knownEventIds.add(eventId);
    if (this.#knownEventIds.size > KNOWN_EVENT_IDS) {
      this.#knownEventIds.delete(this.#knownEventIds.values().next().value as string);
    }
  }

  /** One step for an existing, unclaimed payment: returns it when done, undefined to look again. */
  async #advance(row: PaymentRecord, order: Order, now: IsoTime): Promise<PaymentRecord | undefined> {
    const details = { payment_id: row.id, order_id: row.orderId, status: row.status };
    if (row.status === 'paid') {
      throw new IntegrationError('PAYMENT_ALREADY_PAID', `Order ${row.orderId} is already paid.`, { details });
    }
    if (row.status === 'pending' && row.providerRef !== null) {
      if (row.sessionStatus === 'complete') {
        throw new IntegrationError(
          'PAYMENT_PROCESSING',
          `The customer completed checkout for order ${row.orderId}; the payment is still being confirmed.`,
          { details },
        );
      }
      if (row.sessionStatus === 'open' && (row.expiresAt ?? '') > now) {
        if (amountDiffers(row, order)) {
          throw new IntegrationError(
            'PAYMENT_AMOUNT_MISMATCH',
            `Order ${row.orderId} already has an open checkout session for ${row.amount} ${row.currency.toUpperCase()}; wait until it expires to charge another amount.`,
            { details: { ...details, amount: row.amount, currency: row.currency } },
          );
        }
        return row;
      }
      if (row.sessionStatus === 'open') {
        // Past its expiry but not reported expired: ask the provider before replacing it.
        const claim = this.#claim(now);
        const claimed = await this.#parts.storage.payments.update(row, claim, now);
        return claimed && this.#replaceStale(claimed, order);
      }
    }
    // Expired or failed, or a creation that failed or was abandoned (its server went away):
    // start the next attempt. A session an abandoned request may have created was never shown.
    const next = await this.#parts.storage.payments.update(row, this.#nextAttempt(row, order, now), now);
    return next && this.#create(next);
  }

  #claim(now: IsoTime): { claimUntil: IsoTime; claimToken: string } {
    return { claimUntil: new Date(Date.parse(now) + this.#claimTtlMs).toISOString(), claimToken: randomUUID() };
  }

  #nextAttempt(row: PaymentRecord, order: Order, now: IsoTime): PaymentChanges {
    return {
      attempt: row.attempt + 1,
      amount: order.amount,
      currency: order.currency,
      status: 'pending',
      sessionStatus: null,
      providerRef: null,
      checkoutUrl: null,
      expiresAt: new Date(Date.parse(now) + this.#checkout.sessionLifetimeMs).toISOString(),
      lastErrorCode: null,
      ...this.#claim(now),
    };
  }

  async #insertClaimed(tenantId: string, order: Order, now: IsoTime): Promise<PaymentRecord | undefined> {
    const record = {
      id: randomUUID(),
      tenantId,
      orderId: order.order_id,
      provider: this.provider,
      providerRef: null,
      providerAccount: null,
      checkoutUrl: null,
      amount: order.amount,
      currency: order.currency,
      status: 'pending' as const,
      sessionStatus: null,
      attempt: 1,
      expiresAt: new Date(Date.parse(now) + this.#checkout.sessionLifetimeMs).toISOString(),
      events: [],
      needsReview: false,
      lastErrorCode: null,
      createdAt: now,
      ...this.#claim(now),
    };
    const inserted = await this.#parts.storage.payments.insert(record);
    return inserted ? { ...record, version: 1, updatedAt: now } : undefined;
  }

  /** Creates the session of a claimed attempt and stores it; undefined if the row moved on meanwhile. */
  async #create(row: PaymentRecord): Promise<PaymentRecord | undefined> {
    const request: CheckoutSessionRequest = {
      tenantId: row.tenantId,
      orderId: row.orderId,
      paymentId: row.id,
      attempt: row.attempt,
      amount: row.amount,
      currency: row.currency,
      expiresAt: row.expiresAt as string,
      idempotencyKey: checkoutIdempotencyKey(row.tenantId, row.orderId, row.attempt),
    };
    let created: { session: CheckoutSessionSnapshot; account: string };
    try {
      created = await this.#withProvider(row.tenantId, async (credentials, context) => ({
        session: await this.#checkout.createSession(request, credentials, context),
        account: this.#checkout.account(credentials),
      }));
    } catch (error) {
      // The next try starts a new attempt, with a new idempotency key: the provider keeps a
      // failed answer under its key, and a session this request may have created was never shown.
      const code = error instanceof IntegrationError ? error.code : 'PROVIDER_UNAVAILABLE';
      await this.#finish(row, () => ({ lastErrorCode: code }));
      throw error;
    }
    const { session, account } = created;
    const written = await this.#finish(row, (current) =>
      current.status === 'pending' && current.attempt === row.attempt
        ? {
            providerRef: session.id,
            providerAccount: account,
            checkoutUrl: session.url,
            expiresAt: session.expiresAt,
            sessionStatus: session.status,
            status: session.status === 'expired' ? 'expired' : 'pending',
            lastErrorCode: null,
          }
        : undefined,
    );
    if (!written) await this.#expireQuietly(row.tenantId, session.id);
    return written;
  }

  /** The claimed payment's session is past its expiry: confirm with the provider, then replace it. */
  async #replaceStale(row: PaymentRecord, order: Order): Promise<PaymentRecord | undefined> {
    const sessionId = row.providerRef as string;
    let session: CheckoutSessionSnapshot;
    try {
      session = await this.#withProvider(row.tenantId, async (credentials, context) => {
        const current = await this.#checkout.retrieveSession(sessionId, credentials, context);
        if (current.status !== 'open') return current;
        try {
          return await this.#checkout.expireSession(sessionId, credentials, context);
        } catch {
          // It completed or expired in the meantime: read what it became.
          return this.#checkout.retrieveSession(sessionId, credentials, context);
        }
      });
    } catch (error) {
      await this.#finish(row, () => undefined);
      throw error;
    }
    if (session.status === 'complete') {
      const outcome = session.paymentStatus === 'unpaid' ? 'completed_unpaid' : 'completed_paid';
      await this.#finish(row, (current) => (current.providerRef === sessionId ? nextState(current, outcome) : {}));
      return undefined; // looked at again: paid, or on its way
    }
    const now = this.#now();
    const next = await this.#finish(
      row,
      (current) =>
        current.status === 'pending' && current.providerRef === sessionId
          ? this.#nextAttempt(current, order, now)
          : undefined,
      { keepClaim: true },
    );
    return next && this.#create(next);
  }

  /**
   * Ends a claim with a compare-and-swap write of `changes(current)` (and its outbox item). A
   * webhook may have written meanwhile: the changes are then worked out again on the new row, as
   * long as the claim is still this request's. `changes` returning undefined only releases the
   * claim, and the result is then undefined.
   */
  async #finish(
    row: PaymentRecord,
    changes: (current: PaymentRecord) => PaymentChanges | undefined,
    options: { keepClaim?: boolean } = {},
  ): Promise<PaymentRecord | undefined> {
    const release: PaymentChanges = options.keepClaim ? {} : { claimUntil: null, claimToken: null };
    let current: PaymentRecord | undefined = row;
    for (let tries = 0; current && current.claimToken === row.claimToken && tries < MAX_CAS_ATTEMPTS; tries += 1) {
      const wanted = changes(current);
      const written = await this.#writeAndEnqueue(current, { ...wanted, ...release });
      if (written) return wanted ? written : undefined;
      current = await this.#parts.storage.payments.get(row.tenantId, row.orderId);
    }
    return undefined;
  }

  /**
   * A compare-and-swap write plus its sync outbox item, in one transaction. A session stored on
   * the payment is recorded in the same transaction as a known attempt (webhooks accept only those).
   */
  async #writeAndEnqueue(row: PaymentRecord, changes: PaymentChanges): Promise<PaymentRecord | undefined> {
    const now = this.#now();
    return this.#parts.storage.transaction(async (tx) => {
      const written = await tx.payments.update(row, changes, now);
      if (written?.providerRef && written.providerRef !== row.providerRef) {
        await tx.payments.addSession(sessionAttempt({ ...written, providerRef: written.providerRef }, now));
      }
      if (written && (written.status !== row.status || written.providerRef !== row.providerRef)) {
        await this.#enqueue(tx, written);
      }
      return written;
    });
  }

  async #enqueue(tx: IntegrationStorage, row: PaymentRecord): Promise<void> {
    if (!this.#parts.sync.syncs('payments')) return;
    await this.#parts.sync.enqueue(row.tenantId, 'payments', 'upsert', outboxRow(row), { storage: tx });
  }

  async #deauthorize(
    tx: IntegrationStorage,
    event: Extract<CheckoutEvent, { kind: 'deauthorized' }>,
  ): Promise<WebhookResult['outcome']> {
    const tenants = event.account ? await this.#checkout.tenantsForAccount(tx, event.account) : [];
    let disconnected = 0;
    for (const tenantId of tenants) {
      const done = await this.#parts.connections.disconnectedByProvider(tx, tenantId, this.provider, {
        happenedAt: event.createdAt,
        message: `${this.#parts.connector.displayName} reported that the account removed this platform's access (${event.type}); it is disconnected.`,
      });
      if (done) disconnected += 1;
    }
    this.#parts.logger.info('Provider account deauthorized', {
      provider: this.provider,
      event_id: event.id,
      tenants_disconnected: disconnected,
    });
    return disconnected > 0 ? 'disconnected' : 'ignored';
  }

  async #withProvider<T>(
    tenantId: string,
    use: (credentials: ConnectorCredentials, context: ConnectorContext) => Promise<T>,
  ): Promise<T> {
    return this.#parts.connections.withCredentials(tenantId, this.provider, (credentials) =>
      use(credentials, this.#parts.connections.context(tenantId)),
    );
  }

  /** A session nobody will be shown: closed so it cannot be paid. Failure only gets logged. */
  async #expireQuietly(tenantId: string, sessionId: string): Promise<void> {
    try {
      await this.#withProvider(tenantId, (credentials, context) =>
        this.#checkout.expireSession(sessionId, credentials, context),
      );
    } catch (error) {
      this.#parts.logger.warn('Could not expire an unused checkout session', {
        provider: this.provider,
        session_id: sessionId,
        error_code: error instanceof IntegrationError ? error.code : 'UNKNOWN',
      });
    }
  }

  #now(): IsoTime {
    return this.#parts.clock.now().toISOString();
  }
}
