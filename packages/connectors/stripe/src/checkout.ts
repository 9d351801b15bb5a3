import {
  type CheckoutCapability,
  type CheckoutEvent,
  type CheckoutSessionSnapshot,
  IntegrationError,
  type Lazy,
  resolveLazy,
  type SessionOutcome,
} from '@pos/integrations-core/connector';
import type Stripe from 'stripe';
import { fromStripeError } from './errors.js';
import type { StripePublicData, StripeSecret } from './stripe.js';
import { idOf, metadataOf, moneyEvent, refundReport, text } from './stripe-objects.js';
import { parseSignatureHeader, signatureAgeSeconds, signedBy, signingKey } from './webhook-signature.js';

/** Stripe's limits on `expires_at`: 30 minutes to 24 hours after the session is created. */
export const MIN_SESSION_MINUTES = 30;
export const MAX_SESSION_MINUTES = 24 * 60;
/** The libraries' default, and what Stripe recommends: five minutes. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
/** Where Stripe puts a webhook's signature; its events are a few kilobytes, 1 MB is plenty. */
const WEBHOOK_RULES = { signatureHeader: 'stripe-signature', maxBodyBytes: 1024 * 1024 } as const;

export interface StripeCheckoutOptions {
  /**
   * The Connect webhook endpoint's signing secret (`whsec_…`), or several while a rolled secret
   * is still live (`STRIPE_WEBHOOK_SECRET=whsec_new,whsec_old`): a delivery is accepted when any
   * of them signed it.
   */
  webhookSecret: string | readonly string[];
  /**
   * Where Stripe sends the customer after paying. `{ORDER_ID}` becomes the order id, Stripe
   * fills in `{CHECKOUT_SESSION_ID}`.
   */
  successUrl: Lazy<string>;
  /** Where the hosted page's back link goes (`{ORDER_ID}` as above); none by default. */
  cancelUrl?: Lazy<string>;
  /** How long a session stays open, 30 to 1440 minutes (default 60). */
  expiresAfterMinutes?: number;
  /** The platform's fee in minor units, per order (a direct charge on the connected account). */
  applicationFeeAmount?: (order: {
    tenantId: string;
    orderId: string;
    amount: number;
    currency: string;
  }) => number | undefined;
  /** The line item's name (default `Order <id>`). */
  productName?: (order: { orderId: string }) => string;
}

const SESSION_TYPES: Record<string, (session: Stripe.Checkout.Session) => SessionOutcome> = {
  'checkout.session.completed': (session) =>
    session.payment_status === 'unpaid' ? 'completed_unpaid' : 'completed_paid',
  'checkout.session.async_payment_succeeded': () => 'async_succeeded',
  'checkout.session.async_payment_failed': () => 'async_failed',
  'checkout.session.expired': () => 'expired',
};
const DEAUTHORIZED = 'account.application.deauthorized';

function invalidSignature(reason: string, message: string): IntegrationError {
  return new IntegrationError('WEBHOOK_SIGNATURE_INVALID', message, { details: { reason } });
}

function secretList(secret: string | readonly string[]): string[] {
  const list = (typeof secret === 'string' ? secret.split(',') : [...secret]).map((value) => value.trim());
  const secrets = list.filter(Boolean);
  if (secrets.length === 0 || secrets.some((value) => !/^whsec_[A-Za-z0-9+/=_-]+$/.test(value))) {
    throw new IntegrationError(
      'VALIDATION_FAILED',
      'The Stripe webhook secret must be the endpoint signing secret (whsec_…), or several separated by commas.',
    );
  }
  return secrets;
}

function sessionMinutes(minutes: number | undefined): number {
  const value = minutes ?? 60;
  if (!Number.isInteger(value) || value < MIN_SESSION_MINUTES || value > MAX_SESSION_MINUTES) {
    throw new IntegrationError(
      'VALIDATION_FAILED',
      `Stripe Checkout sessions last ${MIN_SESSION_MINUTES} to ${MAX_SESSION_MINUTES} minutes, not ${String(value)}.`,
    );
  }
  return value;
}

function withOrder(url: string, orderId: string): string {
  return url.replaceAll('{ORDER_ID}', encodeURIComponent(orderId));
}

function snapshot(session: Stripe.Checkout.Session): CheckoutSessionSnapshot {
  const status = session.status === 'complete' || session.status === 'expired' ? session.status : 'open';
  const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
  return {
    id: session.id,
    url: session.url ?? null,
    expiresAt: new Date(session.expires_at * 1000).toISOString(),
    status,
    paymentStatus: paid ? session.payment_status : 'unpaid',
    paymentRef: idOf(session.payment_intent),
  } as CheckoutSessionSnapshot;
}

/**
 * Stripe Checkout on the merchant's connected account: one hosted page per order (mode
 * `payment`, one line item), created with `Stripe-Account` and the idempotency key core derives,
 * and the Connect webhooks that settle it, verified by Stripe's signature scheme on the raw bytes.
 */
export function stripeCheckout(
  client: Stripe,
  options: StripeCheckoutOptions,
  livemode: boolean,
): CheckoutCapability<StripeSecret, StripePublicData> {
  const keys = secretList(options.webhookSecret).map(signingKey);
  const minutes = sessionMinutes(options.expiresAfterMinutes);
  // `expires_at` is worked out before the request travels: a 30-minute session gets a minute
  // more, so Stripe still sees at least 30 when it arrives.
  const lifetimeMs = Math.max(minutes * 60_000, (MIN_SESSION_MINUTES + 1) * 60_000);

  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      throw fromStripeError(error);
    }
  };

  // Checked by hand rather than with a schema: this runs for every delivery, duplicates included.
  function decode(event: unknown): CheckoutEvent {
    if (typeof event !== 'object' || event === null) {
      throw new IntegrationError('VALIDATION_FAILED', 'The webhook body is not a Stripe event.');
    }
    const { id, type, account, created, livemode: eventLivemode, data } = event as Record<string, unknown>;
    const object = (data as { object?: unknown } | undefined)?.object;
    if (
      !text(id) ||
      !text(type) ||
      !(account === undefined || account === null || text(account)) ||
      !Number.isInteger(created) ||
      typeof eventLivemode !== 'boolean' ||
      typeof object !== 'object' ||
      object === null
    ) {
      throw new IntegrationError('VALIDATION_FAILED', 'The webhook body is not a Stripe event.');
    }
    const base = { id, type, account: account ?? null, createdAt: new Date((created as number) * 1000).toISOString() };
    // A production Connect endpoint receives test events too: only the key's own mode counts.
    if (eventLivemode !== livemode) return { ...base, kind: 'ignored', reason: livemode ? 'test_mode' : 'live_mode' };
    if (type === DEAUTHORIZED) return { ...base, kind: 'deauthorized' };
    const money = moneyEvent(base as { id: string; type: string; account: string | null; createdAt: string }, object);
    if (money) return money;
    const outcomeOf = SESSION_TYPES[type];
    const session = object as Stripe.Checkout.Session;
    if (!outcomeOf || !text(session.id)) return { ...base, kind: 'ignored', reason: 'unhandled_type' };
    return {
      ...base,
      kind: 'session',
      outcome: outcomeOf(session),
      session: {
        id: session.id,
        metadata: metadataOf(session.metadata),
        clientReferenceId: typeof session.client_reference_id === 'string' ? session.client_reference_id : null,
        // Compared by core with what the attempt asked for: a session for another amount settles nothing.
        amountTotal: Number.isSafeInteger(session.amount_total) ? session.amount_total : null,
        currency: text(session.currency, 16) ? session.currency.toLowerCase() : null,
        paymentRef: idOf(session.payment_intent),
      },
    };
  }

  return {
    sessionLifetimeMs: lifetimeMs,
    webhook: WEBHOOK_RULES,

    account: ({ publicData }) => publicData.stripe_user_id,

    async createSession(request, { publicData }) {
      const order = {
        tenantId: request.tenantId,
        orderId: request.orderId,
        amount: request.amount,
        currency: request.currency,
      };
      const fee = options.applicationFeeAmount?.(order);
      const metadata = {
        tenant_id: request.tenantId,
        order_id: request.orderId,
        payment_id: request.paymentId,
        attempt: String(request.attempt),
      };
      const cancelUrl = options.cancelUrl && resolveLazy(options.cancelUrl);
      const session = await call(() =>
        client.checkout.sessions.create(
          {
            mode: 'payment',
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: request.currency,
                  unit_amount: request.amount,
                  product_data: { name: options.productName?.(order) ?? `Order ${request.orderId}` },
                },
              },
            ],
            client_reference_id: request.orderId,
            metadata,
            payment_intent_data: {
              metadata,
              ...(fee !== undefined && fee > 0 ? { application_fee_amount: Math.floor(fee) } : {}),
            },
            success_url: withOrder(resolveLazy(options.successUrl), request.orderId),
            ...(cancelUrl ? { cancel_url: withOrder(cancelUrl, request.orderId) } : {}),
            expires_at: Math.floor(Date.parse(request.expiresAt) / 1000),
          },
          { stripeAccount: publicData.stripe_user_id, idempotencyKey: request.idempotencyKey },
        ),
      );
      return snapshot(session);
    },

    async retrieveSession(sessionId, { publicData }) {
      return snapshot(
        await call(() =>
          client.checkout.sessions.retrieve(sessionId, undefined, { stripeAccount: publicData.stripe_user_id }),
        ),
      );
    },

    async expireSession(sessionId, { publicData }) {
      return snapshot(
        await call(() =>
          client.checkout.sessions.expire(sessionId, undefined, { stripeAccount: publicData.stripe_user_id }),
        ),
      );
    },

    async createRefund(request, { publicData }) {
      const stripeAccount = publicData.stripe_user_id;
      // The PaymentIntent behind the paid session, read from the session when not known yet.
      const paymentIntent =
        request.paymentRef ??
        idOf(
          (await call(() => client.checkout.sessions.retrieve(request.sessionId, undefined, { stripeAccount })))
            .payment_intent,
        );
      if (!paymentIntent) {
        throw new IntegrationError('PAYMENT_NOT_PAID', `Stripe has no payment for order ${request.orderId} to refund.`);
      }
      // Where the platform took a fee, it gives back the same share of it (Stripe prorates).
      const fee = options.applicationFeeAmount?.({
        tenantId: request.tenantId,
        orderId: request.orderId,
        amount: request.paymentAmount,
        currency: request.currency,
      });
      const refund = await call(() =>
        client.refunds.create(
          {
            payment_intent: paymentIntent,
            amount: request.amount,
            ...(request.reason ? { reason: request.reason } : {}),
            ...(fee !== undefined && fee > 0 ? { refund_application_fee: true } : {}),
            metadata: {
              tenant_id: request.tenantId,
              order_id: request.orderId,
              payment_id: request.paymentId,
              refund_id: request.refundId,
            },
          },
          { stripeAccount, idempotencyKey: request.idempotencyKey },
        ),
      );
      const report = refundReport(refund);
      if (!report)
        throw new IntegrationError(
          'PROVIDER_UNAVAILABLE',
          'Stripe answered the refund in a shape it does not document.',
        );
      return report;
    },

    verifyWebhook({ body, signature }, receivedAt) {
      if (!signature) {
        throw invalidSignature('missing_header', 'The Stripe-Signature header is missing.');
      }
      const header = parseSignatureHeader(signature);
      if (!header) {
        throw invalidSignature('malformed', 'The Stripe-Signature header has no t= timestamp or v1 signature.');
      }
      if (!keys.some((key) => signedBy(body, header, key))) {
        throw invalidSignature('no_match', 'The Stripe-Signature does not match the body with any webhook secret.');
      }
      // Checked once a signature matched, as the SDK does: a secret of ours signed it, too long ago.
      if (signatureAgeSeconds(header, receivedAt) > WEBHOOK_TOLERANCE_SECONDS) {
        throw invalidSignature('stale', 'The Stripe-Signature timestamp is more than 5 minutes old.');
      }
      let event: unknown;
      try {
        event = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
      } catch {
        throw new IntegrationError('VALIDATION_FAILED', 'The webhook body is not JSON.');
      }
      return decode(event);
    },

    async tenantsForAccount(storage, account) {
      const owner = await storage.providerAccounts.owner('stripe', account);
      return owner === undefined ? [] : [owner];
    },
  };
}
