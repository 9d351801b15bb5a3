import type { DataBatch } from '../batches/view.js';
import type { PaymentView } from '../payments/view.js';

/** Every event type the SDK emits, in the order `docs/events.md` describes them. */
export const HOST_EVENT_TYPES = [
  'integration.connected',
  'integration.disconnected',
  'integration.needs_reconnect',
  'integration.test_failed',
  'payment.paid',
  'payment.failed',
  'payment.expired',
  'payment.canceled',
  'payment.refunded',
  'payment.disputed',
  'batch.completed',
  'batch.failed',
  'sync.failed',
] as const;

export type HostEventType = (typeof HOST_EVENT_TYPES)[number];

/** A connection as events show it: the provider, its state and its last error; never a credential. */
export interface IntegrationEventObject {
  object: 'integration';
  provider: string;
  status: 'connected' | 'disconnected' | 'error';
  needs_reconnect: boolean;
  /** The code and message of the failure that caused the event; null when there was none. */
  error_code: string | null;
  error_message: string | null;
}

/** A payment as the payment routes return it (`PaymentView`), tagged. */
export interface PaymentEventObject extends PaymentView {
  object: 'payment';
}

/** A Data Manager batch as its routes return it (`DataBatch`), tagged. */
export interface BatchEventObject extends Omit<DataBatch, 'errors'> {
  object: 'batch';
}

/** Why a sync pass stopped for one account, and how much of the queue waits. */
export interface SyncFailureObject {
  object: 'sync_failure';
  provider: string;
  error_code: string;
  message: string;
  /** Changes the pass delivered before it stopped. */
  delivered: number;
  /** Changes still waiting, including refused ones' neighbours that will be tried again. */
  pending_queue_count: number;
}

export interface HostEventObjects {
  'integration.connected': IntegrationEventObject;
  'integration.disconnected': IntegrationEventObject;
  'integration.needs_reconnect': IntegrationEventObject;
  'integration.test_failed': IntegrationEventObject;
  'payment.paid': PaymentEventObject;
  'payment.failed': PaymentEventObject;
  'payment.expired': PaymentEventObject;
  'payment.canceled': PaymentEventObject;
  'payment.refunded': PaymentEventObject;
  'payment.disputed': PaymentEventObject;
  'batch.completed': BatchEventObject;
  'batch.failed': BatchEventObject;
  'sync.failed': SyncFailureObject;
}

/**
 * One thing that happened, as subscribers receive it and as the webhook body carries it (JSON).
 * Holds ids, states and public facts only, never a secret.
 */
export interface HostEvent<T extends HostEventType = HostEventType> {
  /** `evt_…`, unique; a redelivery carries the same id. */
  id: string;
  type: T;
  /** When the change happened (ISO-8601 UTC). */
  created_at: string;
  tenant_id: string;
  object: HostEventObjects[T];
}

export function isHostEventType(value: string): value is HostEventType {
  return (HOST_EVENT_TYPES as readonly string[]).includes(value);
}
