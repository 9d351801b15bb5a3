import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Connector, ConnectorContext, ConnectorCredentials } from '../connectors.js';
import { IntegrationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PaymentChanges, PaymentRecord } from '../storage/payments.js';
import type { IntegrationStorage, IsoTime } from '../storage/port.js';
import { cancelCheckout } from './cancel.js';
import type { ConnectionAccess } from './connection-access.js';
import type { PaymentObserver } from './observer.js';
import type { CheckoutCapability, CheckoutSessionRequest, CheckoutSessionSnapshot } from './provider.js';
import { MAX_CAS_ATTEMPTS, sessionAttempt } from './settle.js';
import { isSettled, nextState } from './state.js';

/** The order a checkout session is for, as validated. */
export type Order = { order_id: string; amount: number; currency: string };

export interface SessionParts {
  storage: IntegrationStorage;
  connector: Connector & { checkout: CheckoutCapability };
  connections: ConnectionAccess;
  clock: Clock;
  logger: Logger;
  /** How long one server may talk to the provider for an order before another may take over. */
  claimTtlMs: number;
  /** The pause between looks at another server's claim. */
  wait: (ms: number) => Promise<void>;
  /** Tells the observers of a payment whose status or session changed, in the same transaction. */
  changed: PaymentObserver;
}

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
 * Checkout sessions, one payment per (tenant, order). Whoever talks to the provider for an order
 * first claims the row in the database (`claimUntil`, written with a compare-and-swap on the row
 * version), so of any number of concurrent calls, on any number of servers sharing the database,
 * one creates the session and the others wait for it and return it. The provider request carries
 * an idempotency key derived from tenant + order + attempt.
 */
export class CheckoutSessions {
  readonly #parts: SessionParts;
  readonly #checkout: CheckoutCapability;
  readonly #provider: string;

  constructor(parts: SessionParts) {
    this.#parts = parts;
    this.#checkout = parts.connector.checkout;
    this.#provider = parts.connector.id;
  }

  /** The order's open session's payment, created or taken over as needed (see `PaymentService.createCheckoutSession`). */
  async open(tenantId: string, order: Order): Promise<PaymentRecord> {
    const { payments } = this.#parts.storage;
    const deadline = performance.now() + this.#parts.claimTtlMs + 5_000;
    let pause = 10;
    let waitedFor: PaymentRecord | undefined;
    for (;;) {
      const now = this.#now();
      const row = await payments.get(tenantId, order.order_id);
      if (!row) {
        const claimed = await this.#insertClaimed(tenantId, order, now);
        const done = claimed && (await this.#create(claimed));
        if (done) return done;
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
        await this.#parts.wait(pause);
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
      if (done) return done;
    }
  }

  /** Cancels the order's checkout (see `cancelCheckout`). */
  cancel(tenantId: string, orderId: string): Promise<PaymentRecord> {
    return cancelCheckout(
      {
        storage: this.#parts.storage,
        checkout: this.#checkout,
        now: () => this.#now(),
        claim: (now) => this.#claim(now),
        finish: (row, changes) => this.#finish(row, changes),
        write: (row, changes) => this.#writeAndTell(row, changes),
        withProvider: (tenantId, use) => this.#withProvider(tenantId, use),
      },
      tenantId,
      orderId,
    );
  }

  /** One step for an existing, unclaimed payment: returns it when done, undefined to look again. */
  async #advance(row: PaymentRecord, order: Order, now: IsoTime): Promise<PaymentRecord | undefined> {
    const details = { payment_id: row.id, order_id: row.orderId, status: row.status };
    if (isSettled(row.status)) {
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
    return { claimUntil: new Date(Date.parse(now) + this.#parts.claimTtlMs).toISOString(), claimToken: randomUUID() };
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
      provider: this.#provider,
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
      paymentRef: null,
      refundedAmount: 0,
      dispute: null,
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
      await this.#finish(row, (current) =>
        current.providerRef === sessionId ? { ...nextState(current, outcome), paymentRef: session.paymentRef } : {},
      );
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
      const written = await this.#writeAndTell(current, { ...wanted, ...release });
      if (written) return wanted ? written : undefined;
      current = await this.#parts.storage.payments.get(row.tenantId, row.orderId);
    }
    return undefined;
  }

  /**
   * A compare-and-swap write plus what its observers write (the sync outbox), in one transaction. A session stored on
   * the payment is recorded in the same transaction as a known attempt (webhooks accept only those).
   */
  async #writeAndTell(row: PaymentRecord, changes: PaymentChanges): Promise<PaymentRecord | undefined> {
    const now = this.#now();
    return this.#parts.storage.transaction(async (tx) => {
      const written = await tx.payments.update(row, changes, now);
      if (written?.providerRef && written.providerRef !== row.providerRef) {
        await tx.payments.addSession(sessionAttempt({ ...written, providerRef: written.providerRef }, now));
      }
      if (written && (written.status !== row.status || written.providerRef !== row.providerRef)) {
        await this.#parts.changed(tx, row, written);
      }
      return written;
    });
  }

  async #withProvider<T>(
    tenantId: string,
    use: (credentials: ConnectorCredentials, context: ConnectorContext) => Promise<T>,
  ): Promise<T> {
    const { connections } = this.#parts;
    return connections.withCredentials(tenantId, this.#provider, (credentials) =>
      use(credentials, connections.context(tenantId)),
    );
  }

  /** A session nobody will be shown: closed so it cannot be paid. Failure only gets logged. */
  async #expireQuietly(tenantId: string, sessionId: string): Promise<void> {
    try {
      await this.#withProvider(tenantId, (credentials, context) =>
        this.#checkout.expireSession(sessionId, credentials, context),
      );
    } catch (error) {
      this.#parts.logger.warn(
        {
          provider: this.#provider,
          session_id: sessionId,
          error_code: error instanceof IntegrationError ? error.code : 'UNKNOWN',
        },
        'Could not expire an unused checkout session',
      );
    }
  }

  #now(): IsoTime {
    return this.#parts.clock.now().toISOString();
  }
}
