import { IntegrationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PaymentEventEntry, PaymentRecord } from '../storage/payments.js';
import type { IntegrationStorage, IsoTime } from '../storage/port.js';
import type { RefundRecord } from '../storage/refunds.js';
import { type MoneyParts, upsertRefund, writeMoney } from './money.js';
import type { CheckoutEvent } from './provider.js';
import { MAX_CAS_ATTEMPTS } from './settle.js';
import { isSettled, laterDispute } from './state.js';

type RefundEvent = Extract<CheckoutEvent, { kind: 'refund' }>;
type DisputeEvent = Extract<CheckoutEvent, { kind: 'dispute' }>;

/**
 * What a refund or dispute event did: `applied` / `unchanged` to a paid payment, `held` for a
 * payment not yet known paid (it joins once the payment is), `unknown_payment` for a provider
 * payment this platform did not take.
 */
export type MoneyOutcome = 'applied' | 'unchanged' | 'held' | 'unknown_payment';

export interface MoneyEventParts extends MoneyParts {
  logger: Logger;
  /** The tenants linked to the provider account an event comes from. */
  tenantsForAccount(tx: IntegrationStorage, account: string): Promise<string[]>;
}

/** The tenant and payment an event is about: by our metadata, else by the provider payment. */
async function ownerOf(
  parts: MoneyEventParts,
  tx: IntegrationStorage,
  event: RefundEvent | DisputeEvent,
  paymentRef: string | null,
  metadata: Record<string, string>,
): Promise<{ tenantId: string; payment: PaymentRecord | undefined } | undefined> {
  if (event.account === null) return undefined;
  const tenants = await parts.tenantsForAccount(tx, event.account);
  const ours = metadata.tenant_id && metadata.order_id && tenants.includes(metadata.tenant_id);
  if (ours) {
    const payment = await tx.payments.get(metadata.tenant_id as string, metadata.order_id as string);
    if (payment && payment.providerAccount === event.account) return { tenantId: payment.tenantId, payment };
  }
  if (!paymentRef) return undefined;
  for (const tenantId of tenants) {
    const payment = await tx.payments.byPaymentRef(tenantId, parts.provider, paymentRef);
    if (payment && payment.providerAccount === event.account) return { tenantId, payment };
  }
  // Not a payment known paid here (yet): kept for the account's tenant, joined when it is paid.
  const [tenantId] = tenants;
  return tenantId === undefined ? undefined : { tenantId, payment: undefined };
}

function entryOf(event: CheckoutEvent, row: PaymentRecord, now: IsoTime, extra: Partial<PaymentEventEntry>) {
  return {
    event_id: event.id,
    type: event.type,
    session_id: null,
    created_at: event.createdAt,
    received_at: now,
    status: row.status,
    applied: true,
    ...extra,
  } satisfies PaymentEventEntry;
}

/** Writes the payment's money again until the compare-and-swap holds. */
async function settleMoney(
  parts: MoneyParts,
  tx: IntegrationStorage,
  first: PaymentRecord,
  now: IsoTime,
  entry: (row: PaymentRecord) => PaymentEventEntry,
  refunds: RefundRecord[],
): Promise<PaymentRecord> {
  let row: PaymentRecord | undefined = first;
  for (let tries = 0; row && tries < MAX_CAS_ATTEMPTS; tries += 1) {
    const written = await writeMoney(parts, tx, row, now, { entry: entry(row), refunds });
    if (written) return written;
    row = await tx.payments.get(first.tenantId, first.orderId);
  }
  throw new IntegrationError('CONFLICT', 'The payment changed too often to apply the event; the provider will retry.', {
    status: 503,
  });
}

/** Applies a refund event (one refund, or every refund a charge event lists) in its transaction. */
export async function applyRefundEvent(
  parts: MoneyEventParts,
  tx: IntegrationStorage,
  event: RefundEvent,
  now: IsoTime,
): Promise<MoneyOutcome> {
  const [first] = event.refunds;
  if (!first) return 'unchanged';
  const owner = await ownerOf(parts, tx, event, event.paymentRef ?? first.paymentRef, first.metadata);
  if (!owner) {
    parts.logger.info(
      { provider: parts.provider, event_id: event.id, type: event.type },
      'Refund of an unknown payment',
    );
    return 'unknown_payment';
  }
  const counted: RefundRecord[] = [];
  for (const report of event.refunds) {
    const applied = await upsertRefund(tx, parts.provider, owner, report, now);
    if (applied.countChanged) counted.push(applied.refund);
  }
  const { payment } = owner;
  // Kept on the payment (or for its provider payment); counted once the payment is paid.
  if (!payment || !isSettled(payment.status)) return 'held';
  const written = await settleMoney(
    parts,
    tx,
    payment,
    now,
    (row) => entryOf(event, row, now, { refund_id: first.id }),
    counted,
  );
  return counted.length > 0 || written.status !== payment.status ? 'applied' : 'unchanged';
}

/** Applies a dispute event in its transaction: the dispute only moves forward (closed last). */
export async function applyDisputeEvent(
  parts: MoneyEventParts,
  tx: IntegrationStorage,
  event: DisputeEvent,
  now: IsoTime,
): Promise<MoneyOutcome> {
  const { dispute } = event;
  const owner = await ownerOf(parts, tx, event, dispute.paymentRef, {});
  if (!owner) {
    parts.logger.info(
      { provider: parts.provider, event_id: event.id, type: event.type },
      'Dispute of an unknown payment',
    );
    return 'unknown_payment';
  }
  const { payment } = owner;
  const existing = await tx.disputes.get(parts.provider, dispute.id);
  const reported = {
    provider: parts.provider,
    disputeId: dispute.id,
    tenantId: owner.tenantId,
    paymentId: existing?.paymentId ?? payment?.id ?? null,
    paymentRef: dispute.paymentRef,
    status: dispute.status,
    closed: false,
    amount: dispute.amount,
    currency: dispute.currency,
    reason: dispute.reason,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  const kept = existing ? laterDispute(existing, reported) : reported;
  await tx.disputes.put({ ...kept, paymentId: reported.paymentId, updatedAt: now });
  if (!payment || !isSettled(payment.status)) return 'held';
  const written = await settleMoney(
    parts,
    tx,
    payment,
    now,
    (row) => entryOf(event, row, now, { dispute_id: dispute.id }),
    [],
  );
  return written.status !== payment.status || kept === reported ? 'applied' : 'unchanged';
}
