import { combine, simulator } from '../exchange.js';
import { stripeCheckout } from './checkout.js';
import { stripeConnect } from './connect.js';
import type { SimulatedSession } from './fixtures.js';
import { stripeRefunds } from './refunds.js';
import { type StripeSimulatorOptions, stripeState } from './state.js';

export type { StripeSimulatorOptions } from './state.js';

/**
 * A simulated Stripe Connect platform with Checkout, as plain request handlers over in-memory
 * state. Its three hosts are separate simulators (`connect`: OAuth and the consent page; `api`:
 * accounts and Checkout Sessions; `pages`: the hosted checkout page) and `simulator` serves all
 * three from one root, as a demo does. Every answer carries `X-Simulated: stripe`.
 */
export function createStripeSimulator(options: StripeSimulatorOptions = {}) {
  const state = stripeState(options);
  const connect = stripeConnect(state);
  const checkout = stripeCheckout(state);
  const money = stripeRefunds(state);
  const hosts = {
    connect: simulator('stripe', connect.routes),
    api: simulator('stripe', [connect.accountRoute, ...checkout.api, ...money.api]),
    pages: simulator('stripe', checkout.pages),
  };
  return {
    ...hosts,
    simulator: combine('stripe', hosts.connect, hosts.api, hosts.pages),
    calls: state.calls,
    /** Tokens handed out, newest last. */
    issued: state.issued,
    /** Accounts currently connected to the platform. */
    connected: state.connected,
    /** Checkout Sessions created so far, by id. */
    sessions: state.sessions,
    createRequests: state.createRequests,
    /** Events the hosted page delivered, and how the endpoint answered each. */
    webhooks: state.webhooks,
    /**
     * The merchant's choice on the consent page for an authorize request: the redirect back with
     * a fresh code for the default account (or the one named), or `error=access_denied`.
     */
    consent: connect.consent,
    /** The next `count` session creates answer 500 (Stripe stores that under the idempotency key). */
    failCreates(count = 1) {
      state.failNextCreates = count;
    },
    /** The customer pays on the hosted page (or a delayed method completes unpaid). */
    complete: (sessionId: string, paymentStatus: SimulatedSession['payment_status'] = 'paid') =>
      checkout.complete(sessionId, paymentStatus),
    /** Stripe expires the session (its time ran out). */
    expire: (sessionId: string) => checkout.expire(sessionId),
    /** A delayed payment method of a session completed unpaid succeeds or fails. */
    settleAsync: (sessionId: string, succeeded: boolean) => checkout.settleAsync(sessionId, succeeded),
    /** Each paid session's PaymentIntent and charge, by session id. */
    payments: state.payments,
    refunds: state.refunds,
    disputes: state.disputes,
    refundRequests: state.refundRequests,
    /** New refunds get this status (`succeeded` by default; `pending` as for some methods). */
    setRefundStatus(status: 'pending' | 'succeeded') {
      state.refundStatus = status;
    },
    /** Runs with each new API refund's events before Stripe answers the request (none: `undefined`). */
    beforeRefundAnswer(hook: ((events: Record<string, unknown>[]) => Promise<void>) | undefined) {
      state.beforeRefundAnswer = hook;
    },
    dashboardRefund: money.dashboardRefund,
    settleRefund: money.settleRefund,
    dispute: money.dispute,
  };
}

export type StripeSimulator = ReturnType<typeof createStripeSimulator>;
