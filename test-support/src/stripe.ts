import { randomBytes } from 'node:crypto';
import { delay, HttpResponse, http, type JsonBodyType } from 'msw';
import Stripe from 'stripe';

export const STRIPE_API = 'https://api.stripe.com';
export const STRIPE_CONNECT = 'https://connect.stripe.com';
export const STRIPE_CLIENT_ID = 'ca_TestPlatformClient0123456789';
export const STRIPE_SECRET_KEY = 'sk_test_51PlatformSecretKeyForTests000000000000';
export const STRIPE_ACCOUNT_ID = 'acct_1TestConnected4242';
export const STRIPE_REDIRECT_URI = 'https://pos.example.com/api/integrations/stripe/callback';
/** The Connect webhook endpoint's signing secret the tests configure. */
export const STRIPE_WEBHOOK_SECRET = 'whsec_testEndpointSigningSecret0123456789';

const random = (bytes = 18) => randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x');

/** A Standard connected account in the shape of `GET /v1/accounts/{id}`. */
export function stripeAccount(overrides: Record<string, unknown> = {}) {
  return {
    id: STRIPE_ACCOUNT_ID,
    object: 'account',
    type: 'standard',
    business_profile: { name: "Joe's Coffee", url: 'https://joescoffee.example', mcc: '5814' },
    settings: { dashboard: { display_name: "Joe's Coffee Roasters", timezone: 'America/Chicago' } },
    email: 'owner@joescoffee.example',
    country: 'US',
    default_currency: 'usd',
    charges_enabled: true,
    payouts_enabled: true,
    details_submitted: true,
    controller: { type: 'account' },
    ...overrides,
  };
}

export interface StripeSimulationOptions {
  api?: string;
  connect?: string;
  account?: ReturnType<typeof stripeAccount>;
  /** Stripe's clock for `expires_at` checks (default: real time). */
  now?: () => number;
  /** How long a session create takes, so concurrent requests really overlap (default 0). */
  createDelayMs?: number;
}

/** A Checkout Session as Stripe returns it. */
export interface SimulatedSession {
  id: string;
  object: 'checkout.session';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  url: string | null;
  expires_at: number;
  created: number;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  amount_total: number;
  currency: string;
  mode: 'payment';
  livemode: false;
  payment_intent: string | null;
  success_url: string;
  cancel_url: string | null;
}

function stripeError(status: number, type: string, message: string, code?: string) {
  return HttpResponse.json({ error: { type, message, ...(code ? { code } : {}) } }, { status });
}

function oauthError(status: number, error: string, description: string) {
  return HttpResponse.json({ error, error_description: description }, { status });
}

/**
 * Stripe Connect as documented (the provider's documentation–1.5): the consent page's redirect, single-use
 * authorization codes (a second exchange revokes the connection), `oauth/token`,
 * `oauth/deauthorize` and the account endpoint, all authenticated with the platform key.
 */
export function stripeSimulation(options: StripeSimulationOptions = {}) {
  const api = options.api ?? STRIPE_API;
  const connect = options.connect ?? STRIPE_CONNECT;
  const account = options.account ?? stripeAccount();
  /** Every account a merchant approved with, by id: the default one, and others named at consent. */
  const accounts = new Map([[account.id, account]]);
  /** Each code, and the account whose consent issued it. */
  const codes = new Map<string, { status: 'issued' | 'used'; account: string }>();
  /** The connected account each session lives on. */
  const sessionAccounts = new Map<string, string>();
  const connected = new Set<string>();
  const issued: Array<{ access_token: string; refresh_token: string; code: string }> = [];
  const calls = {
    token: 0,
    deauthorize: 0,
    account: 0,
    createSession: 0,
    sessionsCreated: 0,
    retrieveSession: 0,
    expireSession: 0,
  };
  const now = options.now ?? Date.now;
  const sessions = new Map<string, SimulatedSession>();
  /** What each create request looked like: its Stripe-Account, Idempotency-Key and form fields. */
  const createRequests: Array<{
    account: string | null;
    idempotencyKey: string | null;
    params: Record<string, string>;
  }> = [];
  const idempotent = new Map<string, { params: string; status: number; body: JsonBodyType }>();
  let failNextCreates = 0;

  function settle(sessionId: string, changes: Partial<SimulatedSession>): SimulatedSession {
    const session = sessions.get(sessionId);
    if (!session) throw new Error(`No simulated session ${sessionId}`);
    return Object.assign(session, changes);
  }

  /** The session a request may read: the platform key and the session's own account, else Stripe's error. */
  function sessionOf(request: Request, id: string): SimulatedSession | Response {
    if (!platformKeyOk(request)) return stripeError(401, 'invalid_request_error', 'Invalid API Key provided.');
    const session = sessions.get(id);
    if (!session || request.headers.get('stripe-account') !== sessionAccounts.get(id)) {
      return stripeError(404, 'invalid_request_error', `No such checkout.session: '${id}'`, 'resource_missing');
    }
    return session;
  }

  const platformKeyOk = (request: Request) => request.headers.get('authorization') === `Bearer ${STRIPE_SECRET_KEY}`;

  function consent(authUrl: string, approve: boolean, accountId = account.id): URL {
    const url = new URL(authUrl);
    if (url.origin + url.pathname !== `${connect}/oauth/authorize`)
      throw new Error(`Not a Stripe authorize URL: ${authUrl}`);
    const params = url.searchParams;
    if (params.get('response_type') !== 'code' || params.get('client_id') !== STRIPE_CLIENT_ID) {
      throw new Error(`Stripe would show an error page for ${authUrl}`);
    }
    const back = new URL(params.get('redirect_uri') ?? STRIPE_REDIRECT_URI);
    const state = params.get('state');
    if (approve) {
      const code = `ac_${random()}`;
      if (!accounts.has(accountId)) accounts.set(accountId, stripeAccount({ id: accountId }));
      codes.set(code, { status: 'issued', account: accountId });
      back.searchParams.set('code', code);
      back.searchParams.set('scope', params.get('scope') ?? 'read_only');
    } else {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user denied your request');
    }
    if (state !== null) back.searchParams.set('state', state);
    return back;
  }

  const handlers = [
    http.post(`${connect}/oauth/token`, async ({ request }) => {
      calls.token += 1;
      if (!platformKeyOk(request)) return oauthError(401, 'invalid_client', 'No valid API key provided.');
      const body = new URLSearchParams(await request.text());
      if (body.get('grant_type') !== 'authorization_code') {
        return oauthError(400, 'unsupported_grant_type', 'Only authorization_code is simulated.');
      }
      const code = body.get('code') ?? '';
      const known = codes.get(code);
      if (known === undefined) return oauthError(400, 'invalid_grant', `Authorization code does not exist: ${code}`);
      if (known.status === 'used') {
        // Documented: consuming a code more than once revokes the account connection.
        connected.delete(known.account);
        return oauthError(400, 'invalid_grant', `Authorization code has already been used: ${code}`);
      }
      known.status = 'used';
      connected.add(known.account);
      const tokens = { access_token: `sk_test_${random(24)}`, refresh_token: `rt_${random(24)}`, code };
      issued.push(tokens);
      return HttpResponse.json({
        token_type: 'bearer',
        scope: 'read_write',
        livemode: false,
        stripe_user_id: known.account,
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        stripe_publishable_key: `pk_test_${random(24)}`,
      });
    }),
    http.post(`${connect}/oauth/deauthorize`, async ({ request }) => {
      calls.deauthorize += 1;
      if (!platformKeyOk(request)) return oauthError(401, 'invalid_client', 'No valid API key provided.');
      const body = new URLSearchParams(await request.text());
      const accountId = body.get('stripe_user_id') ?? '';
      if (body.get('client_id') !== STRIPE_CLIENT_ID || !connected.has(accountId)) {
        return oauthError(
          400,
          'invalid_client',
          `This application is not connected to stripe account ${accountId}, or that account does not exist.`,
        );
      }
      connected.delete(accountId);
      return HttpResponse.json({ stripe_user_id: accountId });
    }),
    http.get(`${api}/v1/accounts/:id`, ({ request, params }) => {
      calls.account += 1;
      if (!platformKeyOk(request)) {
        return HttpResponse.json(
          { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } },
          { status: 401 },
        );
      }
      const found = accounts.get(String(params.id));
      if (!found || !connected.has(found.id)) {
        return HttpResponse.json(
          {
            error: {
              type: 'invalid_request_error',
              code: 'account_invalid',
              message: `The provided key does not have access to account '${String(params.id)}' (or that account does not exist). Application access may have been revoked.`,
            },
          },
          { status: 403 },
        );
      }
      return HttpResponse.json(found);
    }),
    http.post(`${api}/v1/checkout/sessions`, async ({ request }) => {
      calls.createSession += 1;
      if (!platformKeyOk(request)) return stripeError(401, 'invalid_request_error', 'Invalid API Key provided.');
      const accountId = request.headers.get('stripe-account');
      const idempotencyKey = request.headers.get('idempotency-key');
      const params = Object.fromEntries(new URLSearchParams(await request.text()));
      createRequests.push({ account: accountId, idempotencyKey, params });
      if (options.createDelayMs) await delay(options.createDelayMs);
      const fingerprint = JSON.stringify(params);
      const replay = idempotencyKey ? idempotent.get(`${accountId}:${idempotencyKey}`) : undefined;
      if (replay) {
        if (replay.params !== fingerprint) {
          return stripeError(
            400,
            'idempotency_error',
            'Keys for idempotent requests can only be used with the same parameters they were first used with.',
          );
        }
        return HttpResponse.json(replay.body, { status: replay.status, headers: { 'idempotent-replayed': 'true' } });
      }
      const answer = (status: number, body: JsonBodyType) => {
        if (idempotencyKey) idempotent.set(`${accountId}:${idempotencyKey}`, { params: fingerprint, status, body });
        return HttpResponse.json(body, { status });
      };
      if (!accountId || !accounts.has(accountId) || !connected.has(accountId)) {
        return stripeError(
          403,
          'invalid_request_error',
          `The provided key does not have access to account '${accountId}' (or that account does not exist).`,
          'account_invalid',
        );
      }
      if (failNextCreates > 0) {
        failNextCreates -= 1;
        return answer(500, { error: { type: 'api_error', message: 'An unknown error occurred.' } });
      }
      const nowSeconds = Math.floor(now() / 1000);
      const expiresAt = Number(params.expires_at ?? nowSeconds + 86_400);
      const unitAmount = Number(params['line_items[0][price_data][unit_amount]']);
      const problems = [
        params.mode !== 'payment' && 'mode',
        !params.success_url && 'success_url',
        !(expiresAt >= nowSeconds + 1800 && expiresAt <= nowSeconds + 86_400) && 'expires_at',
        !(Number.isInteger(unitAmount) && unitAmount > 0) && 'line_items[0][price_data][unit_amount]',
        !/^[a-z]{3}$/.test(params['line_items[0][price_data][currency]'] ?? '') &&
          'line_items[0][price_data][currency]',
        params['line_items[0][quantity]'] !== '1' && 'line_items[0][quantity]',
      ].filter(Boolean);
      if (problems.length > 0) {
        return answer(400, {
          error: { type: 'invalid_request_error', message: `Invalid ${problems[0]}.`, param: problems[0] },
        });
      }
      const id = `cs_test_${random(24)}`;
      const metadata = Object.fromEntries(
        Object.entries(params)
          .filter(([key]) => /^metadata\[[^\]]+\]$/.test(key))
          .map(([key, value]) => [key.slice('metadata['.length, -1), value]),
      );
      const session: SimulatedSession = {
        id,
        object: 'checkout.session',
        status: 'open',
        payment_status: 'unpaid',
        url: `https://checkout.stripe.com/c/pay/${id}`,
        expires_at: expiresAt,
        created: nowSeconds,
        client_reference_id: params.client_reference_id ?? null,
        metadata,
        amount_total: unitAmount,
        currency: params['line_items[0][price_data][currency]'] as string,
        mode: 'payment',
        livemode: false,
        payment_intent: null,
        success_url: params.success_url as string,
        cancel_url: params.cancel_url ?? null,
      };
      sessions.set(id, session);
      sessionAccounts.set(id, accountId);
      calls.sessionsCreated += 1;
      return answer(200, session);
    }),
    http.get(`${api}/v1/checkout/sessions/:id`, ({ request, params }) => {
      calls.retrieveSession += 1;
      const session = sessionOf(request, String(params.id));
      return session instanceof Response ? session : HttpResponse.json(session);
    }),
    http.post(`${api}/v1/checkout/sessions/:id/expire`, ({ request, params }) => {
      calls.expireSession += 1;
      const session = sessionOf(request, String(params.id));
      if (session instanceof Response) return session;
      if (session.status !== 'open') {
        return stripeError(
          400,
          'invalid_request_error',
          `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
        );
      }
      Object.assign(session, { status: 'expired', url: null });
      return HttpResponse.json(session);
    }),
  ];

  return {
    handlers,
    calls,
    /** Tokens handed out, newest last. */
    issued,
    /** Accounts currently connected to the platform. */
    connected,
    /**
     * The merchant clicks "Connect" on the consent page: the redirect back, with a fresh code for
     * the default account, or for the account named (a merchant signed in to another account).
     */
    approve: (authUrl: string, accountId?: string) => consent(authUrl, true, accountId),
    /** The merchant declines: `error=access_denied`. */
    deny: (authUrl: string) => consent(authUrl, false),
    /** Checkout Sessions created so far, by id. */
    sessions,
    createRequests,
    /** The next `count` session creates answer 500 (Stripe stores that under the idempotency key). */
    failCreates(count = 1) {
      failNextCreates = count;
    },
    /** The customer pays on the hosted page (or a delayed method completes unpaid). */
    complete: (sessionId: string, paymentStatus: SimulatedSession['payment_status'] = 'paid') =>
      settle(sessionId, { status: 'complete', payment_status: paymentStatus, url: null }),
    /** Stripe expires the session (its time ran out). */
    expire: (sessionId: string) => settle(sessionId, { status: 'expired', url: null }),
  };
}

let eventCounter = 0;

/** A Connect webhook event in Stripe's shape, from the simulated account. */
export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  eventCounter += 1;
  return {
    id: `evt_test_${String(eventCounter).padStart(6, '0')}${random(8)}`,
    object: 'event',
    type,
    account: STRIPE_ACCOUNT_ID,
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
    ...overrides,
  };
}

/**
 * A webhook delivery as Stripe sends it: the JSON body and its `Stripe-Signature`, made with the
 * official SDK's `webhooks.generateTestHeaderString`.
 */
export function signedWebhook(
  event: Record<string, unknown> | string,
  options: { secret?: string; timestamp?: number } = {},
): { body: string; signature: string } {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? STRIPE_WEBHOOK_SECRET,
    ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
  });
  return { body, signature };
}

export type StripeSimulation = ReturnType<typeof stripeSimulation>;
