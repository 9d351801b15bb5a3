import { randomBytes } from 'node:crypto';
import { HttpResponse, http } from 'msw';

export const STRIPE_API = 'https://api.stripe.com';
export const STRIPE_CONNECT = 'https://connect.stripe.com';
export const STRIPE_CLIENT_ID = 'ca_TestPlatformClient0123456789';
export const STRIPE_SECRET_KEY = 'sk_test_51PlatformSecretKeyForTests000000000000';
export const STRIPE_ACCOUNT_ID = 'acct_1TestConnected4242';
export const STRIPE_REDIRECT_URI = 'https://pos.example.com/api/integrations/stripe/callback';

const random = (bytes = 18) => randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x');

/** A Standard connected account in the shape of `GET /v1/accounts/{id}` (providers.md §1.5). */
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
}

function oauthError(status: number, error: string, description: string) {
  return HttpResponse.json({ error, error_description: description }, { status });
}

/**
 * Stripe Connect as documented (providers.md §1.2–1.5): the consent page's redirect, single-use
 * authorization codes (a second exchange revokes the connection), `oauth/token`,
 * `oauth/deauthorize` and the account endpoint, all authenticated with the platform key.
 */
export function stripeSimulation(options: StripeSimulationOptions = {}) {
  const api = options.api ?? STRIPE_API;
  const connect = options.connect ?? STRIPE_CONNECT;
  const account = options.account ?? stripeAccount();
  const codes = new Map<string, 'issued' | 'used'>();
  const connected = new Set<string>();
  const issued: Array<{ access_token: string; refresh_token: string; code: string }> = [];
  const calls = { token: 0, deauthorize: 0, account: 0 };

  const platformKeyOk = (request: Request) => request.headers.get('authorization') === `Bearer ${STRIPE_SECRET_KEY}`;

  function consent(authUrl: string, approve: boolean): URL {
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
      codes.set(code, 'issued');
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
      if (known === 'used') {
        // Documented: consuming a code more than once revokes the account connection.
        connected.delete(account.id);
        return oauthError(400, 'invalid_grant', `Authorization code has already been used: ${code}`);
      }
      codes.set(code, 'used');
      connected.add(account.id);
      const tokens = { access_token: `sk_test_${random(24)}`, refresh_token: `rt_${random(24)}`, code };
      issued.push(tokens);
      return HttpResponse.json({
        token_type: 'bearer',
        scope: 'read_write',
        livemode: false,
        stripe_user_id: account.id,
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
      if (params.id !== account.id || !connected.has(account.id)) {
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
      return HttpResponse.json(account);
    }),
  ];

  return {
    handlers,
    calls,
    /** Tokens handed out, newest last. */
    issued,
    /** Accounts currently connected to the platform. */
    connected,
    /** The merchant clicks "Connect" on the consent page: the redirect back, with a fresh code. */
    approve: (authUrl: string) => consent(authUrl, true),
    /** The merchant declines: `error=access_denied`. */
    deny: (authUrl: string) => consent(authUrl, false),
  };
}

export type StripeSimulation = ReturnType<typeof stripeSimulation>;
