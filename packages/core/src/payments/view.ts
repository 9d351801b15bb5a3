import { IntegrationError } from '../errors.js';
import type { PaymentDispute, PaymentEventEntry, PaymentRecord, PaymentStatus } from '../storage/payments.js';
import type { JsonObject } from '../storage/port.js';
import type { RefundRecord, RefundStatus } from '../storage/refunds.js';

/** A payment as every route returns it. Never holds a secret. */
export interface PaymentView {
  payment_id: string;
  order_id: string;
  provider: string;
  /** The provider's session id (`cs_…`), null while the session is being created. */
  session_id: string | null;
  /** Where to send the customer; only while the session is open. */
  checkout_url: string | null;
  status: PaymentStatus;
  amount: number;
  currency: string;
  attempt: number;
  expires_at: string | null;
  /** Integer minor units refunded so far (pending or succeeded at the provider). */
  refunded_amount: number;
  /** The payment's dispute, if one was opened (kept once closed; `closed` says so). */
  dispute: PaymentDispute | null;
  /**
   * A session event reported another amount or currency than its attempt asked for; someone
   * should look at the order (the trail's refused entries say which session). Never cleared.
   */
  needs_review: boolean;
  created_at: string;
  updated_at: string;
}

/** One payment with its webhook event trail. */
export interface PaymentDetail extends PaymentView {
  events: PaymentEventEntry[];
}

export interface PaymentPage {
  payments: PaymentView[];
  next_cursor: string | null;
}

export function paymentView(row: PaymentRecord, now: string): PaymentView {
  const open = row.status === 'pending' && row.sessionStatus === 'open' && (row.expiresAt ?? '') > now;
  return {
    payment_id: row.id,
    order_id: row.orderId,
    provider: row.provider,
    session_id: row.providerRef,
    checkout_url: open ? row.checkoutUrl : null,
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    attempt: row.attempt,
    expires_at: row.expiresAt,
    refunded_amount: row.refundedAmount,
    dispute: row.dispute,
    needs_review: row.needsReview,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

/** The row the sync outbox sends to the merchant's `payments` table (keyed by `order_id`). */
export function outboxRow(row: PaymentRecord): JsonObject {
  return {
    order_id: row.orderId,
    id: row.id,
    provider: row.provider,
    provider_ref: row.providerRef,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    attempt: row.attempt,
    expires_at: row.expiresAt,
    refunded_amount: row.refundedAmount,
    dispute_status: row.dispute?.status ?? null,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

/** One refund as the routes return it. */
export interface RefundView {
  refund_id: string;
  order_id: string | null;
  payment_id: string | null;
  /** The provider's refund id (`re_…`); null until the provider answered. */
  provider_refund_id: string | null;
  amount: number;
  currency: string;
  reason: string | null;
  /** `requested` until the provider answered, then the provider's status. */
  status: RefundStatus;
  /** `api`: asked for through this SDK; `provider`: made elsewhere (the provider's dashboard). */
  source: 'api' | 'provider';
  failure_reason: string | null;
  created_at: string;
  updated_at: string;
}

export function refundView(refund: RefundRecord): RefundView {
  return {
    refund_id: refund.id,
    order_id: refund.orderId,
    payment_id: refund.paymentId,
    provider_refund_id: refund.providerRefundId,
    amount: refund.amount,
    currency: refund.currency,
    reason: refund.reason,
    status: refund.status,
    source: refund.source,
    failure_reason: refund.failureReason,
    created_at: refund.createdAt,
    updated_at: refund.updatedAt,
  };
}

export function encodeCursor(row: Pick<PaymentRecord, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([row.createdAt, row.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) {
      return { createdAt: value[0] as string, id: value[1] as string };
    }
  } catch {
    // reported below
  }
  throw new IntegrationError('VALIDATION_FAILED', 'The cursor is not valid: pass next_cursor from an earlier page.', {
    details: { issues: [{ field: 'cursor', message: 'must be a next_cursor value from an earlier page' }] },
  });
}
