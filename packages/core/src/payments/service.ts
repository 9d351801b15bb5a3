import type { ActivityLog } from '../activity.js';
import type { Clock } from '../clock.js';
import type { Connector } from '../connectors.js';
import { IntegrationError, parseInput } from '../errors.js';
import type { CheckoutRate } from '../limits/checkout-rate.js';
import type { Logger } from '../logger.js';
import type { PaymentRecord } from '../storage/payments.js';
import type { IntegrationStorage, IsoTime } from '../storage/port.js';
import type { SyncService } from '../sync/service.js';
import { assertTenant } from '../tenant.js';
import type { ConnectionAccess } from './connection-access.js';
import {
  type CheckoutSessionInput,
  checkoutSessionInput,
  idempotencyKeySchema,
  orderIdSchema,
  type PaymentListInput,
  paymentListInput,
  type RefundInput,
  refundInput,
} from './input.js';
import type { PaymentChangeDetail, PaymentObserver } from './observer.js';
import type { CheckoutCapability, WebhookDelivery, WebhookRules } from './provider.js';
import { type RefundOrder, RefundRequests } from './refunds.js';
import { CheckoutSessions, type Order } from './sessions.js';
import {
  decodeCursor,
  encodeCursor,
  outboxRow,
  type PaymentDetail,
  type PaymentPage,
  type PaymentView,
  paymentView,
  type RefundView,
  refundView,
} from './view.js';
import { WebhookInbox, type WebhookResult } from './webhooks.js';

export type { ConnectionAccess } from './connection-access.js';
export type { PaymentChangeDetail, PaymentObserver } from './observer.js';
export { refundIdempotencyKey } from './refunds.js';
export { checkoutIdempotencyKey } from './sessions.js';
export type { WebhookResult } from './webhooks.js';

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
  /** Told of every status or session change and every refund applied, after the sync outbox, in the same transaction. */
  observers?: readonly PaymentObserver[];
}

/**
 * Checkout sessions for POS orders and the webhooks that settle them (`integrations.payments`):
 * the API over {@link CheckoutSessions} (the claims that make one session per order, across
 * servers) and the {@link WebhookInbox} (each event applied once).
 */
export class PaymentService {
  readonly provider: string;
  /** How the checkout provider delivers webhooks (signature header, body limit). */
  readonly webhook: WebhookRules;
  readonly #parts: PaymentParts;
  readonly #sessions: CheckoutSessions;
  readonly #inbox: WebhookInbox;
  readonly #refunds: RefundRequests;

  constructor(parts: PaymentParts, options: PaymentOptions = {}) {
    this.#parts = parts;
    this.provider = parts.connector.id;
    this.webhook = parts.connector.checkout.webhook;
    const { storage, connector, connections, clock, logger } = parts;
    const changed: PaymentObserver = (tx, before, after, detail) => this.#changed(tx, before, after, detail);
    const trailLimit = options.trailLimit ?? 100;
    const money = { provider: this.provider, trailLimit, changed };
    this.#sessions = new CheckoutSessions({
      storage,
      connector,
      connections,
      clock,
      logger,
      claimTtlMs: options.claimTtlMs ?? 30_000,
      wait: options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      changed,
    });
    this.#inbox = new WebhookInbox({
      storage,
      connector,
      connections,
      clock,
      logger,
      settle: {
        provider: this.provider,
        logger,
        activity: parts.activity,
        trailLimit,
        changed,
      },
      money: {
        ...money,
        logger,
        tenantsForAccount: (tx, account) => connector.checkout.tenantsForAccount(tx, account),
      },
    });
    this.#refunds = new RefundRequests({ storage, connector, connections, clock, logger, money });
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
    const order = parseInput<Order>(checkoutSessionInput, input, 'checkout request');
    this.#parts.checkoutRate?.spend(tenantId);
    await this.#parts.connections.requireCredentials(tenantId, this.#parts.connector);
    const payment = await this.#sessions.open(tenantId, order);
    return paymentView(payment, this.#now());
  }

  /**
   * Cancels the order's checkout: its open session is closed at the provider first, and the
   * payment becomes `canceled`; a checkout for the order (any amount) then opens a new session.
   * Throws `PAYMENT_ALREADY_PAID` (the payment is then `paid`) when the customer paid meanwhile,
   * `PAYMENT_PROCESSING` when their payment is on its way, `NOT_FOUND` without a payment.
   */
  async cancel(tenantId: string, orderId: string): Promise<PaymentView> {
    assertTenant(tenantId);
    const id = parseInput<string>(orderIdSchema, orderId, 'order id');
    return paymentView(await this.#sessions.cancel(tenantId, id), this.#now());
  }

  /**
   * Refunds `amount` (minor units; default what remains) of a paid order at the provider, once:
   * a repeated request with the same `idempotencyKey` returns the first one's refund. Throws
   * `PAYMENT_NOT_PAID`, `REFUND_EXCEEDS_REMAINING`, `REFUND_CURRENCY_MISMATCH`,
   * `IDEMPOTENCY_KEY_REUSED` (the key came with another request), `NOT_FOUND`.
   */
  async refund(
    tenantId: string,
    orderId: string,
    input: RefundInput | unknown = {},
    idempotencyKey?: string,
  ): Promise<{ refund: RefundView; payment: PaymentView }> {
    assertTenant(tenantId);
    const id = parseInput<string>(orderIdSchema, orderId, 'order id');
    const order = parseInput<RefundOrder>(refundInput, input ?? {}, 'refund request');
    const key =
      idempotencyKey === undefined
        ? undefined
        : parseInput<string>(idempotencyKeySchema, idempotencyKey, 'Idempotency-Key');
    await this.#parts.connections.requireCredentials(tenantId, this.#parts.connector);
    const { refund, payment } = await this.#refunds.create(tenantId, id, order, key);
    return { refund: refundView(refund), payment: paymentView(payment, this.#now()) };
  }

  /** The refunds of an order's payment, oldest first, whoever made them; `NOT_FOUND` without a payment. */
  async refunds(tenantId: string, orderId: string): Promise<{ refunds: RefundView[]; payment: PaymentView }> {
    assertTenant(tenantId);
    const id = parseInput<string>(orderIdSchema, orderId, 'order id');
    const { payment, refunds } = await this.#refunds.list(tenantId, id);
    return { refunds: refunds.map(refundView), payment: paymentView(payment, this.#now()) };
  }

  /** The payment of one order with its event trail; `NOT_FOUND` when the order has none. */
  async get(tenantId: string, orderId: string): Promise<PaymentDetail> {
    assertTenant(tenantId);
    const id = parseInput<string>(orderIdSchema, orderId, 'order id');
    const row = await this.#parts.storage.payments.get(tenantId, id);
    if (!row) throw new IntegrationError('NOT_FOUND', `No payment exists for order ${id}.`);
    return { ...paymentView(row, this.#now()), events: row.events };
  }

  /** A tenant's payments, newest first, optionally by status; `next_cursor` continues the list. */
  async list(tenantId: string, input: PaymentListInput = {}): Promise<PaymentPage> {
    assertTenant(tenantId);
    const query = parseInput<{ status?: PaymentRecord['status']; limit?: number; cursor?: string }>(
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
  handleWebhook(delivery: WebhookDelivery): Promise<WebhookResult> {
    return this.#inbox.receive(delivery);
  }

  async #changed(
    tx: IntegrationStorage,
    before: PaymentRecord,
    after: PaymentRecord,
    detail?: PaymentChangeDetail,
  ): Promise<void> {
    if (this.#parts.sync.syncs('payments')) {
      await this.#parts.sync.enqueue(after.tenantId, 'payments', 'upsert', outboxRow(after), { storage: tx });
    }
    for (const observer of this.#parts.observers ?? []) {
      await (detail ? observer(tx, before, after, detail) : observer(tx, before, after));
    }
  }

  #now(): IsoTime {
    return this.#parts.clock.now().toISOString();
  }
}
