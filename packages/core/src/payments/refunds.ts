import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Connector } from '../connectors.js';
import { IntegrationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PaymentRecord } from '../storage/payments.js';
import type { IntegrationStorage, IsoTime } from '../storage/port.js';
import type { RefundRecord } from '../storage/refunds.js';
import type { ConnectionAccess } from './connection-access.js';
import { type MoneyParts, upsertRefund, writeMoney } from './money.js';
import type { CheckoutCapability, RefundReport, RefundRequest } from './provider.js';
import { MAX_CAS_ATTEMPTS } from './settle.js';
import { isSettled, refundReserves } from './state.js';

/** A refund request as validated (`refundInput`). */
export interface RefundOrder {
  amount?: number;
  currency?: string;
  reason?: RefundRequest['reason'];
}

export interface RefundParts {
  storage: IntegrationStorage;
  connector: Connector & { checkout: CheckoutCapability };
  connections: ConnectionAccess;
  clock: Clock;
  logger: Logger;
  money: MoneyParts;
}

/** `pos-refund-<sha256>`: derived from the payment and the refund's own id, never random per try. */
export function refundIdempotencyKey(tenantId: string, paymentId: string, refundId: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([tenantId, paymentId, refundId]))
    .digest('hex');
  return `pos-refund-${digest}`;
}

function requestHash(order: RefundOrder): string {
  return createHash('sha256')
    .update(JSON.stringify([order.amount ?? null, order.currency ?? null, order.reason ?? null]))
    .digest('hex');
}

/** An answer that says the provider refused the refund for good (its own 4xx), not that it could not be reached. */
function refused(error: unknown): error is IntegrationError {
  return error instanceof IntegrationError && error.status >= 400 && error.status < 500 && error.status !== 429;
}

/**
 * Refunds asked for through the SDK. The refund row is written first, in a transaction that
 * reserves its amount with a compare-and-swap on the payment (so concurrent requests, on any
 * number of servers, never refund more than was paid); then the provider is asked with an
 * idempotency key derived from the payment and the refund's id; its answer is applied to that
 * row, which a webhook about the same refund finds too. A client `Idempotency-Key` makes a
 * repeated request return the first one's refund (sent again to the provider, under the same
 * key, when its answer never arrived).
 */
export class RefundRequests {
  readonly #parts: RefundParts;

  constructor(parts: RefundParts) {
    this.#parts = parts;
  }

  async create(
    tenantId: string,
    orderId: string,
    order: RefundOrder,
    clientKey: string | undefined,
  ): Promise<{ refund: RefundRecord; payment: PaymentRecord }> {
    const { storage } = this.#parts;
    const hash = requestHash(order);
    for (let tries = 0; tries < MAX_CAS_ATTEMPTS; tries += 1) {
      const row = await storage.payments.get(tenantId, orderId);
      if (!row) throw new IntegrationError('NOT_FOUND', `No payment exists for order ${orderId}.`);
      if (clientKey) {
        const earlier = await storage.refunds.byClientKey(tenantId, row.id, clientKey);
        if (earlier) return this.#repeat(row, earlier, hash);
      }
      const reserved = await this.#reserve(row, order, clientKey ?? null, hash);
      if (reserved) return this.#send(reserved.payment, reserved.refund);
    }
    throw new IntegrationError('CONFLICT', `The payment of order ${orderId} kept changing; try the refund again.`);
  }

  /** The refunds of an order's payment, oldest first. */
  async list(tenantId: string, orderId: string): Promise<{ payment: PaymentRecord; refunds: RefundRecord[] }> {
    const payment = await this.#parts.storage.payments.get(tenantId, orderId);
    if (!payment) throw new IntegrationError('NOT_FOUND', `No payment exists for order ${orderId}.`);
    return { payment, refunds: await this.#parts.storage.refunds.listForPayment(tenantId, payment.id) };
  }

  async #repeat(row: PaymentRecord, earlier: RefundRecord, hash: string) {
    if (earlier.requestHash !== hash) {
      throw new IntegrationError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different refund request of this order. Use a new key for a new refund.',
        { details: { refund_id: earlier.id } },
      );
    }
    if (earlier.status === 'requested') return this.#send(row, earlier);
    return { refund: earlier, payment: row };
  }

  /** Checks the request against the payment and writes the refund row with its amount reserved; undefined when the payment moved on. */
  async #reserve(row: PaymentRecord, order: RefundOrder, clientKey: string | null, hash: string) {
    const details = { payment_id: row.id, order_id: row.orderId, status: row.status };
    if (!isSettled(row.status)) {
      throw new IntegrationError(
        'PAYMENT_NOT_PAID',
        `Order ${row.orderId} has not been paid, so there is nothing to refund.`,
        {
          details,
        },
      );
    }
    if (order.currency !== undefined && order.currency !== row.currency) {
      throw new IntegrationError(
        'REFUND_CURRENCY_MISMATCH',
        `Order ${row.orderId} was paid in ${row.currency.toUpperCase()}; a refund in ${order.currency.toUpperCase()} is not possible.`,
        { details: { ...details, currency: row.currency } },
      );
    }
    const { storage, clock } = this.#parts;
    const now: IsoTime = clock.now().toISOString();
    return storage.transaction(async (tx) => {
      const refunds = await tx.refunds.listForPayment(row.tenantId, row.id);
      const held = refunds.reduce((sum, refund) => sum + (refundReserves(refund.status) ? refund.amount : 0), 0);
      const remaining = Math.max(0, row.amount - held);
      const amount = order.amount ?? remaining;
      if (remaining === 0 || amount > remaining) {
        throw new IntegrationError(
          'REFUND_EXCEEDS_REMAINING',
          remaining === 0
            ? `Order ${row.orderId} has been refunded in full; nothing remains to refund.`
            : `Only ${remaining} (minor units, ${row.currency.toUpperCase()}) of order ${row.orderId} remains to refund, not ${amount}.`,
          { details: { ...details, remaining, requested: amount, currency: row.currency } },
        );
      }
      const refund: RefundRecord = {
        id: randomUUID(),
        tenantId: row.tenantId,
        provider: row.provider,
        paymentId: row.id,
        orderId: row.orderId,
        paymentRef: row.paymentRef,
        providerRefundId: null,
        amount,
        currency: row.currency,
        reason: order.reason ?? null,
        status: 'requested',
        source: 'api',
        clientKey,
        requestHash: hash,
        failureReason: null,
        createdAt: now,
        updatedAt: now,
      };
      // The empty compare-and-swap makes concurrent reservations of one payment take turns.
      const payment = await tx.payments.update(row, {}, now);
      if (!payment || !(await tx.refunds.insert(refund))) return undefined;
      return { payment, refund };
    });
  }

  /** Asks the provider for a reserved refund and applies its answer. */
  async #send(row: PaymentRecord, refund: RefundRecord) {
    const { connections, connector } = this.#parts;
    const request: RefundRequest = {
      tenantId: row.tenantId,
      orderId: row.orderId,
      paymentId: row.id,
      refundId: refund.id,
      sessionId: row.providerRef as string,
      paymentRef: row.paymentRef,
      paymentAmount: row.amount,
      amount: refund.amount,
      currency: refund.currency,
      reason: refund.reason as RefundRequest['reason'],
      idempotencyKey: refundIdempotencyKey(row.tenantId, row.id, refund.id),
    };
    let report: RefundReport;
    try {
      report = await connections.withCredentials(row.tenantId, connector.id, (credentials) =>
        connector.checkout.createRefund(request, credentials, connections.context(row.tenantId)),
      );
    } catch (error) {
      if (refused(error)) {
        await this.#parts.storage.refunds.update(
          row.tenantId,
          refund.id,
          { status: 'failed', failureReason: String(error.code) },
          this.#parts.clock.now().toISOString(),
        );
        throw error;
      }
      // Unknown whether the provider made it: the amount stays reserved, and the same request
      // (same Idempotency-Key) or the provider's webhook settles it.
      throw new IntegrationError(
        'PROVIDER_UNAVAILABLE',
        'The refund could not be confirmed with the payment provider. Send the same request again with the same Idempotency-Key to finish it; it will not refund twice.',
        { status: 502, details: { refund_id: refund.id }, cause: error },
      );
    }
    return this.#apply(row, refund, report);
  }

  async #apply(row: PaymentRecord, refund: RefundRecord, report: RefundReport) {
    const { storage, clock, money } = this.#parts;
    const now = clock.now().toISOString();
    return storage.transaction(async (tx) => {
      let current: PaymentRecord | undefined = row;
      let stored: RefundRecord = refund;
      let told: RefundRecord[] | undefined;
      for (let tries = 0; current && tries < MAX_CAS_ATTEMPTS; tries += 1) {
        if (!told) {
          const applied = await upsertRefund(
            tx,
            money.provider,
            { tenantId: row.tenantId, payment: current },
            report,
            now,
            refund.id,
          );
          stored = applied.refund;
          told = applied.countChanged ? [applied.refund] : [];
        }
        const written = await writeMoney(money, tx, current, now, { refunds: told });
        if (written) return { refund: stored, payment: written };
        current = await tx.payments.get(row.tenantId, row.orderId);
      }
      throw new IntegrationError('CONFLICT', 'The payment kept changing while the refund was recorded.', {
        status: 503,
      });
    });
  }
}
