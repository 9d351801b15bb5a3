import type { IntegrationStatus, TestResult } from './api-client.js';
import type { DataBatch } from './pos-data-manager/data-manager-client.js';
import type { Payment, Refund } from './pos-stripe-checkout-button/payments-client.js';

export interface PaymentSplit {
  method: 'cash' | 'card' | 'check' | 'other';
  /** Minor units (cents). */
  amount: number;
}

/** Every event the elements fire, by name, with its `detail`. All bubble and cross shadow roots. */
export interface PosEventMap {
  'pos-connected': { provider: string; status: IntegrationStatus };
  'pos-disconnected': { provider: string };
  'pos-tested': { provider: string } & TestResult;
  /** `provider` is absent for actions that belong to no provider (Data Manager). */
  'pos-error': { provider?: string; action: string; error_code: string; message: string };
  'pos-logs-opened': { provider: string };
  'pos-resync-queued': { provider: string; queued: number; pending_queue_count: number };
  'pos-logs-closed': { provider: string };
  'pos-integrations-loaded': { providers: string[] };
  'pos-export-downloaded': { entity_type: string; filename: string; bytes: number };
  'pos-payment-method-change': {
    method: PaymentSplit['method'] | 'split';
    /** The payments that settle the total: one entry, or the split rows. */
    payments: PaymentSplit[];
    valid: boolean;
  };
  /** "Record payment" was pressed with a valid selection. */
  'pos-payment-recorded': { method: PaymentSplit['method'] | 'split'; payments: PaymentSplit[] };
  /** A running batch moved on (polled while it is `processing`). */
  'pos-batch-progress': { batch: DataBatch };
  'pos-batch-completed': { batch: DataBatch };
  'pos-batch-failed': { batch: DataBatch };
  /** `batch` is the batch whose rows were deleted, `purge` the purge batch recording it. */
  'pos-batch-purged': { batch: DataBatch; purge: DataBatch };
  /**
   * Asks the page's Data Manager to open its import from `provider` (an integration card's
   * "Import catalogue"). Cancelable: a Data Manager that can import from the provider calls
   * `preventDefault()`. With `open: false` it only asks whether one can, and nothing opens.
   */
  'pos-catalogue-import-request': { provider: string; open: boolean };
  /**
   * A Data Manager's list of providers to import from changed: it loaded, a provider connected or
   * disconnected, or the Data Manager left the page (`providers` is then empty). Cards ask again.
   */
  'pos-catalogue-sources': { providers: string[] };
  /** A checkout session is open: `payment.checkout_url` is where the customer pays. */
  'pos-checkout-opened': { order_id: string; payment: Payment };
  'pos-payment-paid': { order_id: string; payment: Payment };
  /** The session expired or was cancelled, or the payment failed: a new checkout may start. */
  'pos-payment-ended': { order_id: string; payment: Payment };
  /** A refund of the order's payment was made. */
  'pos-payment-refunded': { order_id: string; payment: Payment; refund: Refund };
}

export type PosEventName = keyof PosEventMap;

/** The one way elements fire events: `pos-` names, bubbling and composed, typed detail. */
export function emit<K extends PosEventName>(target: EventTarget, name: K, detail: PosEventMap[K]): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: false }));
}

/**
 * Fires a cancelable `pos-` event (bubbling and composed) and tells whether a listener took it
 * with `preventDefault()`: how one element asks another on the page to do something.
 */
export function request<K extends PosEventName>(target: EventTarget, name: K, detail: PosEventMap[K]): boolean {
  const event = new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: true });
  target.dispatchEvent(event);
  return event.defaultPrevented;
}

type PosEvents = { [K in PosEventName]: CustomEvent<PosEventMap[K]> };

declare global {
  // Typed listeners wherever the events are heard: on the element, or on document and window.
  interface HTMLElementEventMap extends PosEvents {}
  interface DocumentEventMap extends PosEvents {}
  interface WindowEventMap extends PosEvents {}
}
