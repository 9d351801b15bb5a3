import { formOf, html, json, type Route, redirect, type SimulatedRequest, sleep, text } from '../exchange.js';
import { checkoutPage } from '../pages.js';
import { random } from '../random.js';
import { deliverStripeEvent, stripeEvent } from './events.js';
import type { SimulatedSession } from './fixtures.js';
import { idempotency, type StripeState, stripeError } from './state.js';

const noSuchSession = (id: string) =>
  stripeError(404, 'invalid_request_error', `No such checkout.session: '${id}'`, 'resource_missing');

/**
 * Stripe Checkout on a connected account: sessions created (idempotency keys honoured, per
 * account), retrieved and expired, and the hosted page whose Pay and Cancel buttons settle the
 * session and deliver the signed `checkout.session.*` event, as Stripe does.
 */
export function stripeCheckout(state: StripeState) {
  const seconds = () => Math.floor(state.now() / 1000);

  /**
   * The session, and whether its time ran out. Stripe expires sessions a little after `expires_at`,
   * so the API still shows it open; only its hosted page refuses payment from then on.
   */
  const current = (id: string) => state.sessions.get(id);
  const payable = (session: SimulatedSession | undefined) =>
    session?.status === 'open' && session.expires_at > seconds();

  /** The session a request may act on: the platform key and the session's own account, else Stripe's error. */
  function sessionOf(request: SimulatedRequest, id: string) {
    if (!state.platformKeyOk(request)) return stripeError(401, 'invalid_request_error', 'Invalid API Key provided.');
    const session = current(id);
    if (!session || request.headers.get('stripe-account') !== state.sessionAccounts.get(id)) return noSuchSession(id);
    return session;
  }

  function settle(id: string, changes: Partial<SimulatedSession>): SimulatedSession {
    const session = state.sessions.get(id);
    if (!session) throw new Error(`No simulated session ${id}`);
    return Object.assign(session, changes);
  }

  /** The customer pays (a delayed method completes `unpaid`; a free order needs no payment). */
  const complete = (id: string, paymentStatus: SimulatedSession['payment_status'] = 'paid') => {
    const session = settle(id, {
      status: 'complete',
      payment_status: paymentStatus,
      url: null,
      payment_intent:
        paymentStatus === 'no_payment_required'
          ? null
          : (current(id)?.payment_intent ?? `pi_${state.tag}${random(12)}`),
    });
    if (paymentStatus === 'paid') markPaid(session);
    return session;
  };

  /** The money arrived: the session's PaymentIntent gets a charge that refunds and disputes name. */
  function markPaid(session: SimulatedSession): void {
    if (!session.payment_intent || state.payments.has(session.id)) return;
    state.payments.set(session.id, {
      paymentIntent: session.payment_intent,
      charge: `ch_${state.tag}${random(14)}`,
      account: state.sessionAccounts.get(session.id) ?? '',
      amount: session.amount_total,
      currency: session.currency,
    });
  }

  /** A delayed method finally succeeds (or fails) on a session completed unpaid. */
  const settleAsync = (id: string, succeeded: boolean) => {
    const session = settle(id, { payment_status: succeeded ? 'paid' : 'unpaid' });
    if (succeeded) markPaid(session);
    return session;
  };

  /** Stripe expires the session (its time ran out, or the platform expired it). */
  const expire = (id: string) => settle(id, { status: 'expired', url: null });

  /** Delivers a `checkout.session.*` event for `session`: the endpoint's status (0: unreachable), none without one. */
  async function deliver(type: string, session: SimulatedSession): Promise<number | undefined> {
    if (!state.webhook) return undefined;
    const event = stripeEvent(
      type,
      { ...session },
      {
        id: `evt_${state.tag}${random()}`,
        account: state.sessionAccounts.get(session.id),
      },
    );
    const status = await deliverStripeEvent(state.webhook, event);
    state.webhooks.push({ type, status });
    return status;
  }

  async function create(request: SimulatedRequest) {
    state.calls.createSession += 1;
    if (!state.platformKeyOk(request)) return stripeError(401, 'invalid_request_error', 'Invalid API Key provided.');
    const accountId = request.headers.get('stripe-account');
    const idempotencyKey = request.headers.get('idempotency-key');
    const params = formOf(request);
    state.createRequests.push({ account: accountId, idempotencyKey, params });
    if (state.createDelayMs) await sleep(state.createDelayMs);
    const { replay, answer } = idempotency(state, 'sessions', request, params);
    if (replay) return replay;
    if (!accountId || !state.accounts.has(accountId) || !state.connected.has(accountId)) {
      return stripeError(
        403,
        'invalid_request_error',
        `The provided key does not have access to account '${accountId}' (or that account does not exist).`,
        'account_invalid',
      );
    }
    if (state.failNextCreates > 0) {
      state.failNextCreates -= 1;
      return answer(500, { error: { type: 'api_error', message: 'An unknown error occurred.' } });
    }
    const now = seconds();
    const expiresAt = Number(params.expires_at ?? now + 86_400);
    const unitAmount = Number(params['line_items[0][price_data][unit_amount]']);
    const currency = params['line_items[0][price_data][currency]'] ?? '';
    const problem = [
      params.mode !== 'payment' && 'mode',
      !params.success_url && 'success_url',
      // 30 minutes to 24 hours after creation (shared/providers.md §2.1).
      !(expiresAt >= now + 1800 && expiresAt <= now + 86_400) && 'expires_at',
      !(Number.isInteger(unitAmount) && unitAmount > 0) && 'line_items[0][price_data][unit_amount]',
      !/^[a-z]{3}$/.test(currency) && 'line_items[0][price_data][currency]',
      params['line_items[0][quantity]'] !== '1' && 'line_items[0][quantity]',
    ].find(Boolean);
    if (problem)
      return answer(400, { error: { type: 'invalid_request_error', message: `Invalid ${problem}.`, param: problem } });
    const id = `cs_test_${state.tag}${random(24)}`;
    const session: SimulatedSession = {
      id,
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      url: `${state.checkoutBase ?? `${request.root}/checkout/pay`}/${id}`,
      expires_at: expiresAt,
      created: now,
      client_reference_id: params.client_reference_id ?? null,
      metadata: Object.fromEntries(
        Object.entries(params)
          .filter(([key]) => /^metadata\[[^\]]+\]$/.test(key))
          .map(([key, value]) => [key.slice('metadata['.length, -1), value]),
      ),
      amount_total: unitAmount,
      currency,
      mode: 'payment',
      livemode: false,
      payment_intent: null,
      success_url: params.success_url as string,
      cancel_url: params.cancel_url ?? null,
    };
    state.sessions.set(id, session);
    state.sessionAccounts.set(id, accountId);
    state.calls.sessionsCreated += 1;
    return answer(200, session);
  }

  const api: Route[] = [
    ['POST', '/v1/checkout/sessions', create],
    [
      'GET',
      '/v1/checkout/sessions/:id',
      (request, { id = '' }) => {
        state.calls.retrieveSession += 1;
        const session = sessionOf(request, id);
        return 'object' in session ? json(200, session) : session;
      },
    ],
    [
      'POST',
      '/v1/checkout/sessions/:id/expire',
      (request, { id = '' }) => {
        state.calls.expireSession += 1;
        const session = sessionOf(request, id);
        if (!('object' in session)) return session;
        if (session.status !== 'open') {
          return stripeError(
            400,
            'invalid_request_error',
            `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
          );
        }
        void deliver('checkout.session.expired', expire(id)); // delivered on its own, as Stripe does
        return json(200, session);
      },
    ],
  ];

  const pages: Route[] = [
    [
      'GET',
      '/checkout/pay/:id',
      ({ root }, { id = '' }) => {
        const session = current(id);
        if (!session) return noSuchSession(id);
        if (!payable(session)) {
          return text(
            410,
            `SIMULATION: this checkout session is ${session.status === 'open' ? 'past its expiry' : session.status}.`,
          );
        }
        return html(
          checkoutPage({
            sessionId: session.id,
            account: state.sessionAccounts.get(id) ?? '',
            orderId: session.client_reference_id ?? '(none)',
            amount: session.amount_total,
            currency: session.currency,
            action: `${root}/checkout/pay/${session.id}/decision`,
          }),
        );
      },
    ],
    [
      'POST',
      '/checkout/pay/:id/decision',
      async (request, { id = '' }) => {
        if (current(id)?.status !== 'open')
          return text(410, 'SIMULATION: this checkout session can no longer be paid.');
        const pay = formOf(request).decision === 'pay';
        const session = pay ? complete(id) : expire(id);
        const status = await deliver(pay ? 'checkout.session.completed' : 'checkout.session.expired', session);
        if (status !== undefined && (status < 200 || status >= 300)) {
          return text(502, `SIMULATION: the webhook endpoint answered ${status || 'nothing'}.`);
        }
        const back = pay ? session.success_url : (session.cancel_url ?? session.success_url);
        return redirect(303, back.replaceAll('{CHECKOUT_SESSION_ID}', session.id));
      },
    ],
  ];

  return { api, pages, complete, expire, settleAsync };
}
