import type { PaymentRecord } from '../storage/payments.js';
import type { IntegrationStorage } from '../storage/port.js';
import type { RefundRecord } from '../storage/refunds.js';

/** What else an observer is told about a change. */
export interface PaymentChangeDetail {
  /**
   * The refund that changed the payment's `refundedAmount`, as stored now: given exactly once
   * when a refund starts counting (status `pending`, `requires_action` or `succeeded`), and once
   * more if it stops counting (`failed` or `canceled` afterwards), whoever reported it first
   * (the provider's answer or its webhook).
   */
  refund?: RefundRecord;
}

/**
 * Told of a payment whose status or checkout session changed, or that a refund was applied to,
 * inside the transaction that wrote the change, with the row as it was and as it is now. What it
 * writes through `tx` commits or rolls back with the change (the sync outbox, an accounting
 * entry, an event); a throw rolls the change back.
 */
export type PaymentObserver = (
  tx: IntegrationStorage,
  before: PaymentRecord,
  after: PaymentRecord,
  detail?: PaymentChangeDetail,
) => Promise<void>;
