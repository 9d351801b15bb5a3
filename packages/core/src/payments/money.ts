import { randomUUID } from 'node:crypto';
import type { PaymentDispute, PaymentEventEntry, PaymentRecord } from '../storage/payments.js';
import type { IntegrationStorage, IsoTime } from '../storage/port.js';
import type { DisputeRecord, RefundRecord } from '../storage/refunds.js';
import type { PaymentObserver } from './observer.js';
import type { RefundReport } from './provider.js';
import { checkoutOutcome, disputeClosed, moneyStatus, nextRefundStatus, refundCounts } from './state.js';

/** What applying refunds and disputes to a payment needs. */
export interface MoneyParts {
  provider: string;
  /** Most events kept in a payment's trail, newest last. */
  trailLimit: number;
  /** Tells the observers of a payment whose status changed or that a refund was applied to. */
  changed: PaymentObserver;
}

/** A refund as stored, and whether it started or stopped counting in `refundedAmount` just now. */
export interface RefundApplied {
  refund: RefundRecord;
  countChanged: boolean;
}

/** The owner of a report: the refund row it updates, found by provider id, else by our id in its metadata. */
async function refundRowOf(
  tx: IntegrationStorage,
  provider: string,
  tenantId: string,
  report: RefundReport,
  ownId: string | undefined,
): Promise<RefundRecord | undefined> {
  const byProvider = await tx.refunds.byProviderId(provider, report.id);
  if (byProvider) return byProvider;
  const id = ownId ?? report.metadata.refund_id;
  if (!id) return undefined;
  const ours = await tx.refunds.get(tenantId, id);
  return ours && ours.providerRefundId === null ? ours : undefined;
}

/**
 * Stores what the provider reports about one refund, on the one row that refund has: found by
 * its provider id (unique), else by our id (the refund we asked for: its answer, or a webhook
 * carrying our id in its metadata), else inserted as a refund made elsewhere. Its status only
 * moves forward, so the answer and the webhooks may come in any order, any number of times.
 */
export async function upsertRefund(
  tx: IntegrationStorage,
  provider: string,
  owner: { tenantId: string; payment: PaymentRecord | undefined },
  report: RefundReport,
  now: IsoTime,
  ownId?: string,
): Promise<RefundApplied> {
  const { tenantId, payment } = owner;
  for (let tries = 0; tries < 2; tries += 1) {
    const existing = await refundRowOf(tx, provider, tenantId, report, ownId);
    if (existing) {
      const status = nextRefundStatus(existing.status, report.status);
      const changes = {
        providerRefundId: report.id,
        status,
        amount: report.amount,
        currency: report.currency,
        failureReason: status === report.status ? report.failureReason : existing.failureReason,
        ...(report.paymentRef ? { paymentRef: report.paymentRef } : {}),
        ...(payment && existing.paymentId === null ? { paymentId: payment.id, orderId: payment.orderId } : {}),
      };
      await tx.refunds.update(tenantId, existing.id, changes, now);
      const refund: RefundRecord = { ...existing, ...changes, updatedAt: now };
      return { refund, countChanged: refundCounts(existing.status) !== refundCounts(status) };
    }
    const refund: RefundRecord = {
      id: randomUUID(),
      tenantId,
      provider,
      paymentId: payment?.id ?? null,
      orderId: payment?.orderId ?? null,
      paymentRef: report.paymentRef,
      providerRefundId: report.id,
      amount: report.amount,
      currency: report.currency,
      reason: report.reason,
      status: report.status,
      source: 'provider',
      clientKey: null,
      requestHash: null,
      failureReason: report.failureReason,
      createdAt: now,
      updatedAt: now,
    };
    // Another writer inserting the same provider id first makes this one update its row instead.
    if (await tx.refunds.insert(refund)) return { refund, countChanged: refundCounts(refund.status) };
  }
  throw new Error(`The refund ${report.id} could not be stored.`);
}

/** The payment's dispute as shown: its latest one. */
function disputeOf(records: DisputeRecord[]): PaymentDispute | null {
  const last = records.at(-1);
  if (!last) return null;
  return {
    id: last.disputeId,
    status: last.status,
    closed: disputeClosed(last.status),
    amount: last.amount,
    currency: last.currency,
    reason: last.reason,
  };
}

/**
 * Works the payment's money out again from its refunds and disputes (`refundedAmount`,
 * `dispute`, and the status from the table in `state.ts`) and writes it with a compare-and-swap,
 * adding `entry` to the trail. The observers are told when the status changed, and of each
 * refund in `refunds` (those that started or stopped counting). Undefined when the row moved on.
 */
export async function writeMoney(
  parts: MoneyParts,
  tx: IntegrationStorage,
  row: PaymentRecord,
  now: IsoTime,
  options: { entry?: PaymentEventEntry; refunds?: RefundRecord[] } = {},
): Promise<PaymentRecord | undefined> {
  const refunds = await tx.refunds.listForPayment(row.tenantId, row.id);
  const refundedAmount = refunds.reduce((sum, refund) => sum + (refundCounts(refund.status) ? refund.amount : 0), 0);
  const dispute = disputeOf(await tx.disputes.listForPayment(row.tenantId, row.id));
  const status = moneyStatus(checkoutOutcome(row.status), { amount: row.amount, refundedAmount, dispute });
  const entry = options.entry && { ...options.entry, status };
  const written = await tx.payments.update(
    row,
    {
      refundedAmount,
      dispute,
      status,
      ...(entry ? { events: [...row.events, entry].slice(-parts.trailLimit) } : {}),
    },
    now,
  );
  if (!written) return undefined;
  const told = options.refunds ?? [];
  if (told.length === 0 && written.status !== row.status) await parts.changed(tx, row, written);
  for (const refund of told) {
    const latest = refunds.find((candidate) => candidate.id === refund.id) ?? refund;
    await parts.changed(tx, row, written, { refund: latest });
  }
  return written;
}

/**
 * A payment just became paid: refunds and disputes the provider reported before (for its
 * provider payment, or already for it) join it, and its money is worked out again; the
 * observers are told of each refund that counts. Returns the row as written (the given one when
 * there was nothing to join), undefined when the row moved on.
 */
export async function joinHeldMoney(
  parts: MoneyParts,
  tx: IntegrationStorage,
  row: PaymentRecord,
  now: IsoTime,
): Promise<PaymentRecord | undefined> {
  if (row.paymentRef) {
    for (const refund of await tx.refunds.listUnattached(row.tenantId, parts.provider, row.paymentRef)) {
      await tx.refunds.update(row.tenantId, refund.id, { paymentId: row.id, orderId: row.orderId }, now);
    }
    for (const dispute of await tx.disputes.listUnattached(row.tenantId, parts.provider, row.paymentRef)) {
      await tx.disputes.put({ ...dispute, paymentId: row.id, updatedAt: now });
    }
  }
  const refunds = await tx.refunds.listForPayment(row.tenantId, row.id);
  const disputes = await tx.disputes.listForPayment(row.tenantId, row.id);
  if (refunds.length === 0 && disputes.length === 0) return row;
  return writeMoney(parts, tx, row, now, { refunds: refunds.filter((refund) => refundCounts(refund.status)) });
}
