import { type DataBatch, toDataBatch } from '../batches/view.js';
import type { PaymentChangeDetail } from '../payments/observer.js';
import { isSettled, refundCounts } from '../payments/state.js';
import { paymentView } from '../payments/view.js';
import type { BatchRecord } from '../storage/batches.js';
import type { PaymentRecord, PaymentStatus } from '../storage/payments.js';
import type { StatusRecord } from '../storage/port.js';
import type {
  BatchEventObject,
  HostEventType,
  IntegrationEventObject,
  PaymentEventObject,
  SyncFailureObject,
} from './types.js';

/**
 * The event a payment emits when it reaches a status; statuses absent here (`pending`, and the
 * refund statuses, whose event comes with each refund) emit none. One table: a new payment
 * status gets its event by a line here.
 */
export const PAYMENT_EVENTS: Readonly<Partial<Record<PaymentStatus, HostEventType>>> = {
  paid: 'payment.paid',
  failed: 'payment.failed',
  expired: 'payment.expired',
  canceled: 'payment.canceled',
  disputed: 'payment.disputed',
};

/**
 * The event for a payment change, if it has one: `payment.refunded` for each refund when it
 * starts counting (whatever the status then says: partly or fully refunded, or still disputed);
 * otherwise the event of the status it moved to, where `payment.paid` is told once, when the
 * money first arrives (a dispute closed or a refund failed later does not tell it again).
 */
export function paymentEventType(
  before: PaymentRecord,
  after: PaymentRecord,
  detail?: PaymentChangeDetail,
): HostEventType | undefined {
  if (detail?.refund) return refundCounts(detail.refund.status) ? 'payment.refunded' : undefined;
  if (before.status === after.status) return undefined;
  if (isSettled(after.status) && after.status !== 'disputed') {
    return isSettled(before.status) ? undefined : 'payment.paid';
  }
  return PAYMENT_EVENTS[after.status];
}

export function paymentObject(row: PaymentRecord, now: string): PaymentEventObject {
  return { object: 'payment', ...paymentView(row, now) };
}

export function integrationObject(
  provider: string,
  status: Pick<StatusRecord, 'status' | 'needsReconnect' | 'lastErrorCode' | 'lastError'>,
): IntegrationEventObject {
  return {
    object: 'integration',
    provider,
    status: status.status,
    needs_reconnect: status.needsReconnect,
    error_code: status.lastErrorCode,
    error_message: status.lastError,
  };
}

/** The batch without its row errors (values from the merchant's file stay in the batch's own route). */
export function batchObject(record: BatchRecord): BatchEventObject {
  const { errors: _errors, ...batch }: DataBatch = toDataBatch(record);
  return { object: 'batch', ...batch };
}

export function syncFailureObject(failure: Omit<SyncFailureObject, 'object'>): SyncFailureObject {
  return { object: 'sync_failure', ...failure };
}
