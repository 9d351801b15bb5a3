import { type DataBatch, toDataBatch } from '../batches/view.js';
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
 * The event a payment emits when it reaches a status; statuses absent here (`pending`) emit
 * none. One table: a new payment status gets its event by a line here (`payment.canceled`,
 * `payment.refunded`, `payment.disputed` are in the event model for the statuses that name them).
 */
export const PAYMENT_EVENTS: Readonly<Partial<Record<PaymentStatus | (string & {}), HostEventType>>> = {
  paid: 'payment.paid',
  failed: 'payment.failed',
  expired: 'payment.expired',
};

/** The event for a payment whose status changed from `before` to `after`, if that status has one. */
export function paymentEventType(before: PaymentRecord, after: PaymentRecord): HostEventType | undefined {
  if (before.status === after.status) return undefined;
  return Object.hasOwn(PAYMENT_EVENTS, after.status) ? PAYMENT_EVENTS[after.status] : undefined;
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
