import type { IsoTime } from './port.js';

/** The stores behind payments: one payment per (tenant, order), and every webhook event id seen. */

/**
 * Where a payment stands (the table in `docs/payments.md` and `payments/state.ts`): the checkout's
 * outcome (`pending`, `expired`, `canceled`, `failed`, `paid`) and, once paid, what happened to
 * the money since (`partially_refunded`, `refunded`, `disputed` while a dispute is open).
 */
export type PaymentStatus =
  | 'pending'
  | 'paid'
  | 'expired'
  | 'failed'
  | 'canceled'
  | 'partially_refunded'
  | 'refunded'
  | 'disputed';
/** The provider's own view of the checkout session (Stripe: `open`, `complete`, `expired`). */
export type CheckoutSessionStatus = 'open' | 'complete' | 'expired';

/** One entry of a payment's event trail. Holds ids and outcomes only, never secrets. */
export interface PaymentEventEntry {
  event_id: string;
  type: string;
  session_id: string | null;
  /** When the provider created the event (ISO-8601). */
  created_at: IsoTime;
  received_at: IsoTime;
  /** The payment's status once the event was applied (unchanged when it changed nothing). */
  status: PaymentStatus;
  /** Whether the event changed the payment. */
  applied: boolean;
  /**
   * Why a session event was refused: `amount_mismatch` (a session of ours reported another
   * amount or currency than its attempt asked for), `unknown_session` (a session the platform
   * never created for this payment). Absent on events that were looked at normally.
   */
  refused?: 'amount_mismatch' | 'unknown_session';
  /** The refund or dispute a money event was about (the provider's id). */
  refund_id?: string;
  dispute_id?: string;
  /** What a refused event reported (integer minor units and lowercase code; null when it sent none). */
  amount_total?: number | null;
  currency?: string | null;
}

export interface PaymentRecord {
  id: string;
  tenantId: string;
  orderId: string;
  /** The checkout provider, e.g. `stripe`. */
  provider: string;
  /** The provider's session id (`cs_…`); null until the current attempt's session exists. */
  providerRef: string | null;
  /** The connected account the session lives on (`acct_…`); webhooks must come from it. */
  providerAccount: string | null;
  checkoutUrl: string | null;
  /** Integer minor units. */
  amount: number;
  /** Lowercase ISO 4217 code. */
  currency: string;
  status: PaymentStatus;
  sessionStatus: CheckoutSessionStatus | null;
  /** Increases with every new session for the order; part of the provider idempotency key. */
  attempt: number;
  /** When the current session expires (set before the provider is asked, so a retry sends the same value). */
  expiresAt: IsoTime | null;
  events: PaymentEventEntry[];
  /**
   * Set when a session event reported another amount or currency than its attempt asked for;
   * never cleared by the SDK (the trail says which session and what it reported).
   */
  needsReview: boolean;
  /** While in the future, one server is talking to the provider for this order; others wait. */
  claimUntil: IsoTime | null;
  /** Names the request holding the claim, so it can tell its claim from a takeover. */
  claimToken: string | null;
  /** Why the last attempt to create a session failed, if it did. */
  lastErrorCode: string | null;
  /** The provider's payment behind the paid session (Stripe's PaymentIntent `pi_…`); refunds and disputes name it. */
  paymentRef: string | null;
  /** Integer minor units refunded so far (refunds pending or succeeded at the provider). */
  refundedAmount: number;
  /** The payment's dispute, if one was opened; kept once closed (its status says how it ended). */
  dispute: PaymentDispute | null;
  /** Increases by one on every write, for compare-and-swap updates across processes. */
  version: number;
  createdAt: IsoTime;
  updatedAt: IsoTime;
}

/** A chargeback as the provider reports it. */
export interface PaymentDispute {
  /** The provider's id (`dp_…`). */
  id: string;
  /** The provider's status, e.g. `needs_response`, `under_review`, `won`, `lost`. */
  status: string;
  /** Whether the provider closed it (won, lost, or a closed warning). */
  closed: boolean;
  /** Integer minor units disputed. */
  amount: number;
  currency: string;
  reason: string | null;
}

/** Fields a compare-and-swap update may change. */
export type PaymentChanges = Partial<
  Omit<PaymentRecord, 'id' | 'tenantId' | 'orderId' | 'provider' | 'version' | 'createdAt' | 'updatedAt'>
>;

/**
 * One checkout session the platform created for a payment attempt, recorded in the transaction
 * that stores it on the payment. Webhooks are accepted only for recorded sessions, and their
 * amount and currency are compared with the attempt's.
 */
export interface PaymentSessionRecord {
  tenantId: string;
  /** The checkout provider, e.g. `stripe`. */
  provider: string;
  /** The provider's session id (`cs_…`); unique per provider. */
  sessionId: string;
  orderId: string;
  paymentId: string;
  /** The connected account the session was created on (`acct_…`). */
  account: string | null;
  attempt: number;
  /** Integer minor units asked for. */
  amount: number;
  /** Lowercase ISO 4217 code asked for. */
  currency: string;
  createdAt: IsoTime;
}

export interface PaymentListQuery {
  tenantId: string;
  status?: PaymentStatus;
  limit: number;
  /** Only payments after this one in the order of the list (newest first). */
  after?: { createdAt: IsoTime; id: string };
}

export interface PaymentStore {
  get(tenantId: string, orderId: string): Promise<PaymentRecord | undefined>;
  /**
   * Inserts a payment at version 1. Returns false, changing nothing, when the tenant already has
   * a payment for the order: of any number of concurrent inserts exactly one succeeds.
   */
  insert(record: Omit<PaymentRecord, 'version' | 'updatedAt'>): Promise<boolean>;
  /**
   * Writes `changes` only while the payment is still at `current.version`, bumping the version
   * and `updatedAt`; returns the new record, or undefined when someone else wrote first.
   * `current` is the payment as read from this store: every write bumps the version, so a row
   * still at that version is exactly `current`, and the new record is `current` with the changes
   * (nothing needs reading back).
   */
  update(current: PaymentRecord, changes: PaymentChanges, now: IsoTime): Promise<PaymentRecord | undefined>;
  /** A tenant's payments, newest first (by creation, then id). */
  list(query: PaymentListQuery): Promise<PaymentRecord[]>;
  /**
   * Records a session the platform created. A session already recorded (same provider and
   * session id) is left as it is.
   */
  addSession(record: PaymentSessionRecord): Promise<void>;
  /** A recorded session of this tenant, by provider and session id (one indexed lookup). */
  getSession(tenantId: string, provider: string, sessionId: string): Promise<PaymentSessionRecord | undefined>;
  /** The tenant's payment whose provider payment is `paymentRef` (refunds and disputes name it). */
  byPaymentRef(tenantId: string, provider: string, paymentRef: string): Promise<PaymentRecord | undefined>;
}

export interface WebhookEventRecord {
  eventId: string;
  provider: string;
  type: string;
  account: string | null;
  receivedAt: IsoTime;
  processedAt: IsoTime | null;
}

export interface WebhookEventStore {
  /**
   * Records an event id the first time it is seen and returns true; returns false for an id
   * already recorded. Atomic, also across processes: of concurrent deliveries one gets true.
   */
  record(event: WebhookEventRecord): Promise<boolean>;
  get(eventId: string): Promise<WebhookEventRecord | undefined>;
}
