import { createHmac, randomBytes } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import { checkoutPage } from './checkout-page.js';
import { consentPage } from './consent-page.js';
import { DEMO_STRIPE_ACCOUNT, DEMO_STRIPE_CLIENT_ID, DEMO_STRIPE_SECRET_KEY } from './constants.js';

/** Shapes follow Stripe's account object. */
const ACCOUNT = {
  id: DEMO_STRIPE_ACCOUNT,
  object: 'account',
  type: 'standard',
  business_profile: { name: 'Demo Coffee', url: 'https://demo-coffee.example' },
  settings: { dashboard: { display_name: 'Demo Coffee (simulated)', timezone: 'America/Chicago' } },
  email: 'owner@demo-coffee.example',
  country: 'US',
  default_currency: 'usd',
  charges_enabled: true,
  payouts_enabled: true,
  details_submitted: true,
  controller: { type: 'account' },
};
const CODE_LIFETIME_MS = 5 * 60 * 1000;

const random = () => randomBytes(18).toString('hex');

function oauthError(res: Response, status: number, error: string, description: string) {
  res.status(status).json({ error, error_description: description });
}

const platformKeyOk = (req: Request) => req.get('authorization') === `Bearer ${DEMO_STRIPE_SECRET_KEY}`;

export interface StripeSimulatorOptions {
  /** The only redirect URI the simulated platform accepts (this server's callback). */
  redirectUri: () => string;
  /** Where the simulated Connect webhook endpoint is (this server's webhook route). */
  webhookUrl?: () => string;
  /** The endpoint's signing secret the simulated checkout page signs with. */
  webhookSecret?: string;
}

/** A Checkout Session in Stripe's shape, plus the account it lives on. */
interface SimulatedSession {
  id: string;
  object: 'checkout.session';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid';
  url: string | null;
  expires_at: number;
  created: number;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  amount_total: number;
  currency: string;
  mode: 'payment';
  livemode: false;
  success_url: string;
  cancel_url: string | null;
}

function stripeError(res: Response, status: number, type: string, message: string, code?: string) {
  res.status(status).json({ error: { type, message, ...(code ? { code } : {}) } });
}

/** What a simulated Stripe has been asked, for tests that count requests. */
export interface StripeSimulatorStats {
  /** Session create requests received (replays included). */
  createRequests: number;
  /** Sessions actually created. */
  sessionsCreated: number;
  /** Webhooks sent, and how the endpoint answered each. */
  webhooks: Array<{ type: string; status: number }>;
}

export interface StripeSimulator {
  router: Router;
  stats: StripeSimulatorStats;
}

/**
 * A simulated Stripe Connect for demo mode only: a consent page that connects one demo account,
 * single-use codes (five minutes), `oauth/token`, `oauth/deauthorize` and the account endpoint;
 * Checkout Sessions on the connected account (idempotency keys honoured) with a hosted page
 * whose Pay and Cancel buttons send this server a correctly signed webhook. Every response
 * carries `X-Simulated: stripe`.
 */
export function stripeSimulator(options: StripeSimulatorOptions): StripeSimulator {
  const router = Router();
  const sessions = new Map<string, SimulatedSession>();
  const idempotent = new Map<string, { params: string; status: number; body: unknown }>();
  const stats: StripeSimulatorStats = { createRequests: 0, sessionsCreated: 0, webhooks: [] };
  const codes = new Map<string, number>();
  const form = express.urlencoded({ extended: false, limit: '10kb' });
  router.use((_req, res, next) => {
    res.setHeader('X-Simulated', 'stripe');
    next();
  });

  router.get('/oauth/authorize', (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    // Like Stripe, errors in the request itself are shown here, not sent back to the app.
    if (query.response_type !== 'code') return oauthError(res, 400, 'invalid_request', 'response_type must be code.');
    if (query.client_id !== DEMO_STRIPE_CLIENT_ID) return oauthError(res, 400, 'invalid_client', 'Unknown client_id.');
    const redirectUri = query.redirect_uri ?? options.redirectUri();
    if (redirectUri !== options.redirectUri()) {
      return oauthError(res, 400, 'invalid_redirect_uri', 'The redirect_uri is not one the platform registered.');
    }
    const scope = query.scope ?? 'read_only';
    res.type('html').send(
      consentPage({
        provider: 'Stripe',
        requester: `POS Integrations demo platform (${DEMO_STRIPE_CLIENT_ID})`,
        account: `Demo Coffee (${DEMO_STRIPE_ACCOUNT})`,
        scope,
        action: `${req.baseUrl}/oauth/authorize/decision`,
        fields: { redirect_uri: redirectUri, state: query.state ?? '', scope },
      }),
    );
  });

  router.post('/oauth/authorize/decision', form, (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    if (body.redirect_uri !== options.redirectUri()) {
      return oauthError(res, 400, 'invalid_redirect_uri', 'The redirect_uri is not one the platform registered.');
    }
    const back = new URL(body.redirect_uri);
    if (body.decision === 'approve') {
      const code = `ac_${random()}`;
      codes.set(code, Date.now() + CODE_LIFETIME_MS);
      back.searchParams.set('code', code);
      back.searchParams.set('scope', body.scope ?? 'read_only');
    } else {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user denied your request');
    }
    if (body.state) back.searchParams.set('state', body.state);
    res.redirect(302, back.href);
  });

  router.post('/oauth/token', form, (req, res) => {
    if (!platformKeyOk(req)) return oauthError(res, 401, 'invalid_client', 'No valid API key provided.');
    const body = req.body as Record<string, string | undefined>;
    if (body.grant_type !== 'authorization_code') {
      return oauthError(res, 400, 'unsupported_grant_type', 'Only authorization_code is simulated.');
    }
    const expires = codes.get(body.code ?? '');
    codes.delete(body.code ?? '');
    if (expires === undefined || expires < Date.now()) {
      return oauthError(
        res,
        400,
        'invalid_grant',
        'The authorization code does not exist, expired or was already used.',
      );
    }
    res.json({
      token_type: 'bearer',
      scope: 'read_write',
      livemode: false,
      stripe_user_id: DEMO_STRIPE_ACCOUNT,
      access_token: `sk_test_demoConnected${random()}`,
      refresh_token: `rt_demo${random()}`,
      stripe_publishable_key: `pk_test_demo${random()}`,
    });
  });

  router.post('/oauth/deauthorize', form, (req, res) => {
    if (!platformKeyOk(req)) return oauthError(res, 401, 'invalid_client', 'No valid API key provided.');
    const body = req.body as Record<string, string | undefined>;
    if (body.client_id !== DEMO_STRIPE_CLIENT_ID || body.stripe_user_id !== DEMO_STRIPE_ACCOUNT) {
      return oauthError(res, 400, 'invalid_client', 'This application is not connected to that account.');
    }
    res.json({ stripe_user_id: DEMO_STRIPE_ACCOUNT });
  });

  router.get('/v1/accounts/:id', (req, res) => {
    if (!platformKeyOk(req)) {
      res.status(401).json({ error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
      return;
    }
    if (req.params.id !== DEMO_STRIPE_ACCOUNT) {
      res.status(403).json({
        error: {
          type: 'invalid_request_error',
          code: 'account_invalid',
          message: 'The provided key does not have access to that account (or it does not exist).',
        },
      });
      return;
    }
    res.json(ACCOUNT);
  });

  /** The connected account a request acts as; answers 401/403 itself and returns undefined otherwise. */
  const connectedAccount = (req: Request, res: Response): string | undefined => {
    if (!platformKeyOk(req)) {
      stripeError(res, 401, 'invalid_request_error', 'Invalid API Key provided.');
      return undefined;
    }
    if (req.get('stripe-account') !== DEMO_STRIPE_ACCOUNT) {
      stripeError(
        res,
        403,
        'invalid_request_error',
        'The provided key does not have access to that account.',
        'account_invalid',
      );
      return undefined;
    }
    return DEMO_STRIPE_ACCOUNT;
  };

  /** Time passed: an open session past its expiry is expired (Stripe does it a little later). */
  const current = (id: string): SimulatedSession | undefined => {
    const session = sessions.get(id);
    if (session?.status === 'open' && session.expires_at <= Math.floor(Date.now() / 1000)) {
      Object.assign(session, { status: 'expired', url: null });
    }
    return session;
  };

  /** Signs and posts a Connect event to this server's webhook route, as Stripe delivers it. */
  async function sendWebhook(type: string, session: SimulatedSession): Promise<number> {
    if (!options.webhookUrl || !options.webhookSecret) return 0;
    const body = JSON.stringify({
      id: `evt_demo${random()}`,
      object: 'event',
      type,
      account: DEMO_STRIPE_ACCOUNT,
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: session },
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', options.webhookSecret).update(`${timestamp}.${body}`).digest('hex');
    try {
      const response = await fetch(options.webhookUrl(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': `t=${timestamp},v1=${signature}`,
        },
        body,
      });
      stats.webhooks.push({ type, status: response.status });
      return response.status;
    } catch {
      stats.webhooks.push({ type, status: 0 });
      return 0;
    }
  }

  router.post('/v1/checkout/sessions', form, (req, res) => {
    stats.createRequests += 1;
    const account = connectedAccount(req, res);
    if (!account) return;
    const params = req.body as Record<string, string>;
    const key = req.get('idempotency-key');
    const fingerprint = JSON.stringify(params);
    const replay = key ? idempotent.get(key) : undefined;
    if (replay) {
      if (replay.params !== fingerprint) {
        return stripeError(
          res,
          400,
          'idempotency_error',
          'Keys for idempotent requests can only be used with the same parameters.',
        );
      }
      res.status(replay.status).setHeader('Idempotent-Replayed', 'true').json(replay.body);
      return;
    }
    const answer = (status: number, body: unknown) => {
      if (key) idempotent.set(key, { params: fingerprint, status, body });
      res.status(status).json(body);
    };
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = Number(params.expires_at ?? now + 86_400);
    const amount = Number(params['line_items[0][price_data][unit_amount]']);
    const currency = params['line_items[0][price_data][currency]'] ?? '';
    if (params.mode !== 'payment' || !params.success_url || !(amount > 0) || !/^[a-z]{3}$/.test(currency)) {
      return answer(400, { error: { type: 'invalid_request_error', message: 'Invalid checkout session parameters.' } });
    }
    if (expiresAt < now + 1800 || expiresAt > now + 86_400) {
      return answer(400, {
        error: {
          type: 'invalid_request_error',
          message: 'expires_at must be 30 minutes to 24 hours away.',
          param: 'expires_at',
        },
      });
    }
    const id = `cs_test_demo${random()}`;
    const session: SimulatedSession = {
      id,
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      url: `${req.protocol}://${req.get('host')}${req.baseUrl}/checkout/pay/${id}`,
      expires_at: expiresAt,
      created: now,
      client_reference_id: params.client_reference_id ?? null,
      metadata: Object.fromEntries(
        Object.entries(params)
          .filter(([name]) => /^metadata\[[^\]]+\]$/.test(name))
          .map(([name, value]) => [name.slice('metadata['.length, -1), value]),
      ),
      amount_total: amount,
      currency,
      mode: 'payment',
      livemode: false,
      success_url: params.success_url,
      cancel_url: params.cancel_url ?? null,
    };
    sessions.set(id, session);
    stats.sessionsCreated += 1;
    answer(200, session);
  });

  router.get('/v1/checkout/sessions/:id', (req, res) => {
    if (!connectedAccount(req, res)) return;
    const session = current(req.params.id);
    if (!session)
      return stripeError(res, 404, 'invalid_request_error', 'No such checkout.session.', 'resource_missing');
    res.json(session);
  });

  router.post('/v1/checkout/sessions/:id/expire', form, (req, res) => {
    if (!connectedAccount(req, res)) return;
    const session = current(req.params.id);
    if (!session)
      return stripeError(res, 404, 'invalid_request_error', 'No such checkout.session.', 'resource_missing');
    if (session.status !== 'open') {
      return stripeError(
        res,
        400,
        'invalid_request_error',
        `This Checkout Session has a status of "${session.status}".`,
      );
    }
    Object.assign(session, { status: 'expired', url: null });
    void sendWebhook('checkout.session.expired', session); // delivered on its own, as Stripe does
    res.json(session);
  });

  router.get('/checkout/pay/:id', (req, res) => {
    const session = current(req.params.id);
    if (!session)
      return stripeError(res, 404, 'invalid_request_error', 'No such checkout.session.', 'resource_missing');
    if (session.status !== 'open') {
      res.status(410).type('text').send(`SIMULATION: this checkout session is ${session.status}.`);
      return;
    }
    res.type('html').send(
      checkoutPage({
        sessionId: session.id,
        account: DEMO_STRIPE_ACCOUNT,
        orderId: session.client_reference_id ?? '(none)',
        amount: session.amount_total,
        currency: session.currency,
        action: `${req.baseUrl}/checkout/pay/${session.id}/decision`,
      }),
    );
  });

  router.post('/checkout/pay/:id/decision', form, async (req, res) => {
    const session = current(req.params.id);
    if (session?.status !== 'open') {
      res.status(410).type('text').send('SIMULATION: this checkout session can no longer be paid.');
      return;
    }
    const pay = (req.body as Record<string, string>).decision === 'pay';
    Object.assign(
      session,
      pay ? { status: 'complete', payment_status: 'paid', url: null } : { status: 'expired', url: null },
    );
    const status = await sendWebhook(pay ? 'checkout.session.completed' : 'checkout.session.expired', session);
    if (status < 200 || status >= 300) {
      res
        .status(502)
        .type('text')
        .send(`SIMULATION: the webhook endpoint answered ${status || 'nothing'}.`);
      return;
    }
    const back = pay ? session.success_url : (session.cancel_url ?? session.success_url);
    res.redirect(303, back.replaceAll('{CHECKOUT_SESSION_ID}', session.id));
  });

  return { router, stats };
}
