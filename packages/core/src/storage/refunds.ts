import type { IsoTime } from './port.js';

/**
 * The stores behind refunds and disputes. A refund is one row, whoever made it (this SDK or the
 * provider's dashboard); its provider id is unique per provider, so an answer and a webhook
 * about the same refund meet on one row. A refund or dispute the provider reports before the
 * payment it belongs to is known to be paid is kept without a payment (`paymentId` null) and
 * joins it when the payment is paid.
 */

/**
 * `requested`: written before the provider is asked (its amount is reserved);
 * `pending`, `requires_action`, `succeeded`, `failed`, `canceled`: the provider's refund status.
 */
export type RefundStatus = 'requested' | 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';

export interface RefundRecord {
  /** Ours (a UUID); part of the provider idempotency key. */
  id: string;
  tenantId: string;
  provider: string;
  /** The payment it refunds; null while the provider reported it before the payment was known paid. */
  paymentId: string | null;
  orderId: string | null;
  /** The provider's payment it refunds (`pi_…`). */
  paymentRef: string | null;
  /** The provider's refund id (`re_…`); null until the provider answered. Unique per provider. */
  providerRefundId: string | null;
  /** Integer minor units. */
  amount: number;
  currency: string;
  reason: string | null;
  status: RefundStatus;
  /** `api`: asked for through this SDK; `provider`: made elsewhere (the provider's dashboard). */
  source: 'api' | 'provider';
  /** The client's `Idempotency-Key`, unique per payment; null when it sent none. */
  clientKey: string | null;
  /** What the client asked for under that key (compared when the key comes again). */
  requestHash: string | null;
  /** The provider's failure reason, or our error code when the request was refused. */
  failureReason: string | null;
  createdAt: IsoTime;
  updatedAt: IsoTime;
}

/** Fields a refund update may change. */
export type RefundChanges = Partial<
  Pick<
    RefundRecord,
    'paymentId' | 'orderId' | 'paymentRef' | 'providerRefundId' | 'status' | 'failureReason' | 'amount' | 'currency'
  >
>;

export interface DisputeRecord {
  provider: string;
  /** The provider's id (`dp_…`); unique per provider. */
  disputeId: string;
  tenantId: string;
  paymentId: string | null;
  paymentRef: string | null;
  status: string;
  closed: boolean;
  amount: number;
  currency: string;
  reason: string | null;
  createdAt: IsoTime;
  updatedAt: IsoTime;
}

export interface RefundStore {
  /** Inserts a refund; false, changing nothing, when its id, provider id or client key is taken. */
  insert(record: RefundRecord): Promise<boolean>;
  get(tenantId: string, id: string): Promise<RefundRecord | undefined>;
  byProviderId(provider: string, providerRefundId: string): Promise<RefundRecord | undefined>;
  byClientKey(tenantId: string, paymentId: string, clientKey: string): Promise<RefundRecord | undefined>;
  /** A payment's refunds, oldest first. */
  listForPayment(tenantId: string, paymentId: string): Promise<RefundRecord[]>;
  /** Refunds reported for a provider payment not yet known paid (no payment id), oldest first. */
  listUnattached(tenantId: string, provider: string, paymentRef: string): Promise<RefundRecord[]>;
  update(tenantId: string, id: string, changes: RefundChanges, now: IsoTime): Promise<void>;
}

export interface DisputeStore {
  /** Inserts or replaces the dispute with the provider's id. */
  put(record: DisputeRecord): Promise<void>;
  get(provider: string, disputeId: string): Promise<DisputeRecord | undefined>;
  /** A payment's disputes, oldest first. */
  listForPayment(tenantId: string, paymentId: string): Promise<DisputeRecord[]>;
  /** Disputes reported for a provider payment not yet known paid, oldest first. */
  listUnattached(tenantId: string, provider: string, paymentRef: string): Promise<DisputeRecord[]>;
}
