import type { CheckoutEvent, DisputeReport, RefundReport } from '@pos/integrations-core/connector';
import type Stripe from 'stripe';

// Reading the objects of Stripe's events (refunds, disputes, ids, metadata) into what core reads: only well
// formed values pass; anything else is left out or makes the event `ignored`.

/** Refund events carry a Refund; `charge.refunded` a Charge, with its refunds when Stripe lists them. */
const REFUND_TYPES = new Set(['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated']);
const CHARGE_REFUNDED = 'charge.refunded';
const DISPUTE_TYPES = new Set(['charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed']);
const REFUND_STATUSES = new Set(['pending', 'requires_action', 'succeeded', 'failed', 'canceled']);

/** A non-empty string of at most `max` characters. */
export const text = (value: unknown, max = 255): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max;

/** Metadata as Stripe sends it: string values only (anything else is dropped). */
export function metadataOf(value: unknown): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return metadata;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string') metadata[key] = entry;
  }
  return metadata;
}

/** An id, or the id of an expanded object. */
export function idOf(value: unknown): string | null {
  if (text(value)) return value;
  const id = (value as { id?: unknown } | null)?.id;
  return text(id) ? id : null;
}

const amountOf = (value: unknown): number | null =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : null;

/** A Refund object as core reads it; undefined when it is not one. */
export function refundReport(object: unknown): RefundReport | undefined {
  const refund = object as Partial<Stripe.Refund> | null;
  const amount = amountOf(refund?.amount);
  if (
    !refund ||
    !text(refund.id) ||
    amount === null ||
    !text(refund.currency, 16) ||
    !REFUND_STATUSES.has(refund.status ?? '')
  ) {
    return undefined;
  }
  return {
    id: refund.id,
    amount,
    currency: refund.currency.toLowerCase(),
    status: refund.status as RefundReport['status'],
    paymentRef: idOf(refund.payment_intent),
    failureReason: text(refund.failure_reason) ? refund.failure_reason : null,
    reason: text(refund.reason) ? refund.reason : null,
    metadata: metadataOf(refund.metadata),
  };
}

function disputeReport(object: unknown): DisputeReport | undefined {
  const dispute = object as Partial<Stripe.Dispute> | null;
  const amount = amountOf(dispute?.amount);
  if (!dispute || !text(dispute.id) || amount === null || !text(dispute.currency, 16) || !text(dispute.status)) {
    return undefined;
  }
  return {
    id: dispute.id,
    status: dispute.status,
    amount,
    currency: dispute.currency.toLowerCase(),
    reason: text(dispute.reason) ? dispute.reason : null,
    paymentRef: idOf(dispute.payment_intent),
  };
}

/** The money events (refunds, disputes) as core reads them; undefined for other types. */
export function moneyEvent(
  base: { id: string; type: string; account: string | null; createdAt: string },
  object: unknown,
): CheckoutEvent | undefined {
  const { type } = base;
  if (REFUND_TYPES.has(type)) {
    const report = refundReport(object);
    return report
      ? { ...base, kind: 'refund', paymentRef: report.paymentRef, refunds: [report] }
      : { ...base, kind: 'ignored', reason: 'malformed_refund' };
  }
  if (type === CHARGE_REFUNDED) {
    // Listed on the charge in older API versions and when expanded; otherwise each refund's own
    // `refund.*` events carry it.
    const charge = object as Partial<Stripe.Charge>;
    const listed = (charge.refunds as { data?: unknown[] } | undefined)?.data ?? [];
    const refunds = listed.map(refundReport).filter((report): report is RefundReport => report !== undefined);
    if (refunds.length === 0) return { ...base, kind: 'ignored', reason: 'no_refunds_listed' };
    return { ...base, kind: 'refund', paymentRef: idOf(charge.payment_intent), refunds };
  }
  if (DISPUTE_TYPES.has(type)) {
    const dispute = disputeReport(object);
    return dispute ? { ...base, kind: 'dispute', dispute } : { ...base, kind: 'ignored', reason: 'malformed_dispute' };
  }
  return undefined;
}
