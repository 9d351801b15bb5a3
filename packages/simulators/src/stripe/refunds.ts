import { formOf, json, type Route, type SimulatedRequest } from '../exchange.js';
import { random } from '../random.js';
import { deliverStripeEvent, stripeEvent } from './events.js';
import { idempotency, type StripeState, stripeError } from './state.js';

/** A Refund as Stripe returns it. */
export interface SimulatedRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  status: 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';
  reason: string | null;
  failure_reason: string | null;
  payment_intent: string;
  charge: string;
  metadata: Record<string, string>;
  created: number;
}

/** A Dispute as Stripe returns it. */
export interface SimulatedDispute {
  id: string;
  object: 'dispute';
  amount: number;
  currency: string;
  status: string;
  reason: string;
  payment_intent: string;
  charge: string;
  created: number;
}

/** A paid session's PaymentIntent and charge, on its account. */
export interface SimulatedPayment {
  paymentIntent: string;
  charge: string;
  account: string;
  amount: number;
  currency: string;
}

/** `metadata[key]` form fields as a map. */
function metadataOf(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params)
      .filter(([key]) => /^metadata\[[^\]]+\]$/.test(key))
      .map(([key, value]) => [key.slice('metadata['.length, -1), value]),
  );
}

/**
 * Refunds and disputes on a connected account's payments: `POST /v1/refunds` (idempotency keys
 * honoured per account, over-refunds refused as Stripe does), `GET /v1/refunds`, and what happens
 * in the Stripe dashboard (a refund made there, a refund failing, a dispute opened and closed),
 * each with the signed events Stripe sends (`charge.refunded`, `refund.*`, `charge.dispute.*`).
 */
export function stripeRefunds(state: StripeState) {
  const seconds = () => Math.floor(state.now() / 1000);

  const refundedOf = (payment: SimulatedPayment) =>
    [...state.refunds.values()]
      .filter((refund) => refund.payment_intent === payment.paymentIntent && refund.status !== 'failed')
      .filter((refund) => refund.status !== 'canceled')
      .reduce((sum, refund) => sum + refund.amount, 0);

  /** The charge as Stripe sends it in `charge.refunded`, its refunds listed. */
  function chargeOf(payment: SimulatedPayment) {
    const refunds = [...state.refunds.values()].filter((refund) => refund.payment_intent === payment.paymentIntent);
    const refunded = refundedOf(payment);
    return {
      id: payment.charge,
      object: 'charge',
      amount: payment.amount,
      amount_refunded: refunded,
      currency: payment.currency,
      payment_intent: payment.paymentIntent,
      refunded: refunded >= payment.amount,
      refunds: { object: 'list', data: refunds.map((refund) => ({ ...refund })) },
    };
  }

  /** The signed event Stripe sends for `object`, from the payment's account. */
  function event(type: string, object: Record<string, unknown>, account: string) {
    return stripeEvent(type, object, { id: `evt_${state.tag}${random()}`, account });
  }

  /** Delivers events to the configured endpoint (none without one), in the order given. */
  async function deliver(events: Record<string, unknown>[]): Promise<void> {
    const { webhook } = state;
    if (!webhook) return;
    for (const item of events) {
      const status = await deliverStripeEvent(webhook, item);
      state.webhooks.push({ type: item.type as string, status });
    }
  }

  function paymentOf(ref: string | undefined): SimulatedPayment | undefined {
    if (!ref) return undefined;
    return [...state.payments.values()].find((payment) => payment.paymentIntent === ref || payment.charge === ref);
  }

  /** Makes a refund (the API's or the dashboard's) and returns it with the events Stripe sends. */
  function makeRefund(payment: SimulatedPayment, amount: number, extra: Partial<SimulatedRefund> = {}) {
    const refund: SimulatedRefund = {
      id: `re_${state.tag}${random(14)}`,
      object: 'refund',
      amount,
      currency: payment.currency,
      status: state.refundStatus,
      reason: null,
      failure_reason: null,
      payment_intent: payment.paymentIntent,
      charge: payment.charge,
      metadata: {},
      created: seconds(),
      ...extra,
    };
    state.refunds.set(refund.id, refund);
    const events = [
      event('refund.created', { ...refund }, payment.account),
      event('charge.refunded', chargeOf(payment), payment.account),
    ];
    return { refund, events };
  }

  async function create(request: SimulatedRequest) {
    state.calls.createRefund += 1;
    if (!state.platformKeyOk(request)) return stripeError(401, 'invalid_request_error', 'Invalid API Key provided.');
    const account = request.headers.get('stripe-account');
    const idempotencyKey = request.headers.get('idempotency-key');
    const params = formOf(request);
    state.refundRequests.push({ account, idempotencyKey, params });
    const { replay, answer } = idempotency(state, 'refunds', request, params);
    if (replay) return replay;
    const payment = paymentOf(params.payment_intent ?? params.charge);
    if (!payment || payment.account !== account) {
      return stripeError(
        404,
        'invalid_request_error',
        `No such payment_intent: '${params.payment_intent ?? params.charge ?? ''}'`,
        'resource_missing',
      );
    }
    const remaining = payment.amount - refundedOf(payment);
    const amount = params.amount === undefined ? remaining : Number(params.amount);
    if (remaining <= 0) {
      return answer(400, {
        error: {
          type: 'invalid_request_error',
          code: 'charge_already_refunded',
          message: `Charge ${payment.charge} has already been refunded.`,
        },
      });
    }
    if (!Number.isInteger(amount) || amount < 1 || amount > remaining) {
      return answer(400, {
        error: {
          type: 'invalid_request_error',
          code: 'amount_too_large',
          param: 'amount',
          message: `Refund amount (${params.amount}) is greater than unrefunded amount on charge (${remaining}).`,
        },
      });
    }
    const { refund, events } = makeRefund(payment, amount, {
      reason: params.reason ?? null,
      metadata: metadataOf(params),
    });
    if (state.beforeRefundAnswer) await state.beforeRefundAnswer(events);
    void deliver(events); // delivered on their own, as Stripe does
    return answer(200, refund);
  }

  function list(request: SimulatedRequest) {
    if (!state.platformKeyOk(request)) return stripeError(401, 'invalid_request_error', 'Invalid API Key provided.');
    const account = request.headers.get('stripe-account');
    const ref = request.query.get('payment_intent') ?? request.query.get('charge') ?? undefined;
    const data = [...state.refunds.values()]
      .filter((refund) => paymentOf(refund.payment_intent)?.account === account)
      .filter((refund) => !ref || refund.payment_intent === ref || refund.charge === ref)
      .reverse();
    return json(200, { object: 'list', data, has_more: false, url: '/v1/refunds' });
  }

  const api: Route[] = [
    ['POST', '/v1/refunds', create],
    ['GET', '/v1/refunds', list],
  ];

  function payment(paymentIntent: string): SimulatedPayment {
    const found = paymentOf(paymentIntent);
    if (!found) throw new Error(`No simulated payment ${paymentIntent}`);
    return found;
  }

  return {
    api,
    /** A refund made in the Stripe dashboard: the refund and the events Stripe sends for it (delivered when an endpoint is set). */
    dashboardRefund(paymentIntent: string, amount?: number) {
      const paid = payment(paymentIntent);
      const made = makeRefund(paid, amount ?? paid.amount - refundedOf(paid));
      void deliver(made.events);
      return made;
    },
    /** A refund moves on at Stripe (succeeds, or fails: `refund.failed`); returns the event. */
    settleRefund(refundId: string, status: SimulatedRefund['status'], failureReason: string | null = null) {
      const refund = state.refunds.get(refundId);
      if (!refund) throw new Error(`No simulated refund ${refundId}`);
      Object.assign(refund, { status, failure_reason: status === 'failed' ? (failureReason ?? 'unknown') : null });
      const account = payment(refund.payment_intent).account;
      const made = event(status === 'failed' ? 'refund.failed' : 'refund.updated', { ...refund }, account);
      void deliver([made]);
      return { refund, event: made };
    },
    /** The cardholder disputes the payment, or the dispute moves on (`won`, `lost` close it). */
    dispute(paymentIntent: string, status = 'needs_response', amount?: number) {
      const paid = payment(paymentIntent);
      const existing = [...state.disputes.values()].find((dispute) => dispute.payment_intent === paymentIntent);
      const dispute: SimulatedDispute = existing ?? {
        id: `dp_${state.tag}${random(14)}`,
        object: 'dispute',
        amount: amount ?? paid.amount,
        currency: paid.currency,
        status,
        reason: 'fraudulent',
        payment_intent: paid.paymentIntent,
        charge: paid.charge,
        created: seconds(),
      };
      dispute.status = status;
      state.disputes.set(dispute.id, dispute);
      const closed = ['won', 'lost', 'warning_closed', 'prevented'].includes(status);
      const type = existing ? (closed ? 'charge.dispute.closed' : 'charge.dispute.updated') : 'charge.dispute.created';
      const made = event(type, { ...dispute }, paid.account);
      void deliver([made]);
      return { dispute, event: made };
    },
  };
}
