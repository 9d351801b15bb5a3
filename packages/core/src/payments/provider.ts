import type { ConnectorContext, ConnectorCredentials } from '../connectors.js';
import type { CheckoutSessionStatus } from '../storage/payments.js';
import type { IntegrationStorage, IsoTime, JsonObject } from '../storage/port.js';
import type { RefundStatus } from '../storage/refunds.js';
import type { SecretValues } from '../vault.js';

/** What core asks the provider to create: one hosted checkout page for one order. */
export interface CheckoutSessionRequest {
  tenantId: string;
  orderId: string;
  paymentId: string;
  attempt: number;
  /** Integer minor units. */
  amount: number;
  /** Lowercase ISO 4217 code. */
  currency: string;
  expiresAt: IsoTime;
  /**
   * Derived from tenant + order + attempt: the provider must send it (Stripe `Idempotency-Key`)
   * so a repeated request for the same attempt returns the same session instead of a second one.
   */
  idempotencyKey: string;
}

/** The provider's checkout session as core keeps it. */
export interface CheckoutSessionSnapshot {
  id: string;
  /** The hosted page; null once the session is complete or expired. */
  url: string | null;
  expiresAt: IsoTime;
  status: CheckoutSessionStatus;
  paymentStatus: 'paid' | 'unpaid' | 'no_payment_required';
  /** The provider's payment behind the session (Stripe's PaymentIntent), once there is one. */
  paymentRef: string | null;
}

/** What core asks the provider to refund, on the account the payment was taken on. */
export interface RefundRequest {
  tenantId: string;
  orderId: string;
  paymentId: string;
  /** Ours; the provider keeps it with the refund (metadata), so its webhooks find our row. */
  refundId: string;
  /** The session that was paid, and the provider's payment behind it when known. */
  sessionId: string;
  paymentRef: string | null;
  /** What the order was charged (minor units): the base for a proportional platform fee refund. */
  paymentAmount: number;
  /** Integer minor units to refund. */
  amount: number;
  currency: string;
  reason: 'duplicate' | 'fraudulent' | 'requested_by_customer' | null;
  /** Derived from the payment and the refund's own id: a retry never refunds twice. */
  idempotencyKey: string;
}

/** A refund as the provider reports it (its answer, or a webhook). */
export interface RefundReport {
  /** The provider's refund id (`re_…`). */
  id: string;
  amount: number;
  currency: string;
  status: Exclude<RefundStatus, 'requested'>;
  /** The provider's payment it refunds. */
  paymentRef: string | null;
  failureReason: string | null;
  reason: string | null;
  /** What we put in the refund's metadata (`tenant_id`, `order_id`, `refund_id`); empty for dashboard refunds. */
  metadata: Record<string, string>;
}

/** A dispute (chargeback) as the provider reports it. */
export interface DisputeReport {
  id: string;
  status: string;
  amount: number;
  currency: string;
  reason: string | null;
  paymentRef: string | null;
}

/** What a session event means for the payment (see `nextStatus`). */
export type SessionOutcome = 'completed_paid' | 'completed_unpaid' | 'async_succeeded' | 'async_failed' | 'expired';

interface EventBase {
  id: string;
  type: string;
  /** The connected account the event comes from, e.g. `acct_…`; null for platform events. */
  account: string | null;
  createdAt: IsoTime;
}

/** A verified webhook event in the provider-neutral terms core acts on. */
export type CheckoutEvent =
  | (EventBase & {
      kind: 'session';
      outcome: SessionOutcome;
      session: {
        id: string;
        metadata: Record<string, string>;
        clientReferenceId: string | null;
        /** The session's total in integer minor units, as the event reports it; null when absent. */
        amountTotal: number | null;
        /** Its lowercase ISO 4217 code; null when absent. */
        currency: string | null;
        /** The provider's payment behind it (Stripe's PaymentIntent); null when absent. */
        paymentRef: string | null;
      };
    })
  /** Refunds of one provider payment (one refund, or every refund a charge event lists). */
  | (EventBase & { kind: 'refund'; paymentRef: string | null; refunds: RefundReport[] })
  | (EventBase & { kind: 'dispute'; dispute: DisputeReport })
  | (EventBase & { kind: 'deauthorized' })
  /** Verified but not for us to act on: another type, or the other mode (live vs test). */
  | (EventBase & { kind: 'ignored'; reason: string });

/**
 * How the provider delivers webhooks, for the HTTP layer: which header carries the signature, and
 * the largest body it sends. The route hands the verifier the raw bytes, never a parsed copy.
 */
export interface WebhookRules {
  /** The signature header, e.g. `stripe-signature` (matched without regard to case). */
  readonly signatureHeader: string;
  /** The largest body accepted, in bytes; a larger delivery is answered 413 `PAYLOAD_TOO_LARGE`. */
  readonly maxBodyBytes: number;
}

/** A webhook delivery exactly as received: the raw bytes and the signature header. */
export interface WebhookDelivery {
  body: Uint8Array;
  signature: string | undefined;
}

/**
 * A connector becomes the checkout provider by having this capability (Stripe's `checkout`).
 * Core owns the payment rows, the claim on the order, the state machine and the webhook dedupe;
 * the provider only talks to its API and reads its webhooks.
 */
export interface CheckoutCapability<S extends SecretValues = SecretValues, P extends JsonObject = JsonObject> {
  /** How long a new session stays open, in ms (Stripe allows 30 minutes to 24 hours). */
  readonly sessionLifetimeMs: number;
  /** The signature header and body limit of its webhooks; the route at `/api/payments/webhooks/<id>` follows them. */
  readonly webhook: WebhookRules;
  /** The account sessions are created on, from the tenant's public connection data. */
  account(credentials: ConnectorCredentials<S, P>): string;
  createSession(
    request: CheckoutSessionRequest,
    credentials: ConnectorCredentials<S, P>,
    context: ConnectorContext,
  ): Promise<CheckoutSessionSnapshot>;
  retrieveSession(
    sessionId: string,
    credentials: ConnectorCredentials<S, P>,
    context: ConnectorContext,
  ): Promise<CheckoutSessionSnapshot>;
  /** Closes an open session so it can no longer be paid; returns its state afterwards. */
  expireSession(
    sessionId: string,
    credentials: ConnectorCredentials<S, P>,
    context: ConnectorContext,
  ): Promise<CheckoutSessionSnapshot>;
  /**
   * Refunds `amount` of a paid session's payment, with `request.idempotencyKey` (Stripe
   * `Idempotency-Key`), so sending the same request again returns the same refund.
   */
  createRefund(
    request: RefundRequest,
    credentials: ConnectorCredentials<S, P>,
    context: ConnectorContext,
  ): Promise<RefundReport>;
  /**
   * Checks the signature over the raw body with the injected time and decodes the event. Throws
   * `WEBHOOK_SIGNATURE_INVALID` for a missing, malformed, stale or non-matching signature.
   */
  verifyWebhook(delivery: WebhookDelivery, receivedAt: Date): CheckoutEvent;
  /** The tenants connected to a provider account (a deauthorization names the account only). */
  tenantsForAccount(storage: IntegrationStorage, account: string): Promise<string[]>;
}
