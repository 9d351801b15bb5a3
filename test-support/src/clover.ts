import { randomBytes } from 'node:crypto';
import type { Clock } from '@pos/integrations-core';
import { delay, HttpResponse, http } from 'msw';

export const CLOVER_API = 'https://api.clover.com';
export const CLOVER_OAUTH = 'https://www.clover.com';
export const CLOVER_APP_ID = 'TESTAPP0CLOVER';
export const CLOVER_APP_SECRET = 'clover-app-secret-0123456789abcdef';
export const CLOVER_MERCHANT_ID = 'TC4DGCJW1K4EW';
export const CLOVER_REDIRECT_URI = 'https://pos.example.com/api/integrations/clover/callback';

const random = (bytes = 24) => randomBytes(bytes).toString('hex');

/** A merchant in the shape of `GET /v3/merchants/{mId}`; the address only when expanded. */
export function cloverMerchant(overrides: Record<string, unknown> = {}) {
  return {
    id: CLOVER_MERCHANT_ID,
    name: "Joe's Coffee",
    address: {
      address1: '1 Main St',
      address2: null,
      address3: null,
      city: 'Springfield',
      state: 'IL',
      zip: '62701',
      country: 'US',
    },
    owner: { href: `${CLOVER_API}/v3/merchants/${CLOVER_MERCHANT_ID}/employees/OWNER1` },
    ...overrides,
  };
}

export interface CloverSimulationOptions {
  api?: string;
  oauth?: string;
  /** Decides token expiry; share the server's clock to move time in tests. */
  clock?: Clock;
  accessTtlSeconds?: number;
  /** Echo `state` as its own parameter too (v2 may or may not). */
  echoState?: boolean;
  /** Hold refresh answers this long, so concurrent callers really overlap. */
  refreshDelayMs?: number;
  merchant?: ReturnType<typeof cloverMerchant>;
}

/**
 * Clover OAuth v2 as documented: the redirect with `merchant_id` and a
 * code, `/oauth/v2/token`, `/oauth/v2/refresh` with single-use refresh tokens (each refresh
 * rotates the pair), and the merchant endpoint answering 401 to expired or unknown tokens.
 */
export function cloverSimulation(options: CloverSimulationOptions = {}) {
  const api = options.api ?? CLOVER_API;
  const oauth = options.oauth ?? CLOVER_OAUTH;
  const clock = options.clock ?? { now: () => new Date() };
  const accessTtl = options.accessTtlSeconds ?? 3600;
  const merchant = options.merchant ?? cloverMerchant();
  const codes = new Map<string, 'issued' | 'used'>();
  const accessTokens = new Map<string, number>();
  const refreshTokens = new Map<string, 'active' | 'used'>();
  const calls = { token: 0, refresh: 0, merchant: 0 };
  /** Every pair handed out, newest last. */
  const issued: Array<{ access_token: string; refresh_token: string }> = [];

  const seconds = () => Math.floor(clock.now().getTime() / 1000);

  function issuePair() {
    const pair = { access_token: `clv_at_${random()}`, refresh_token: `clv_rt_${random()}` };
    const expiration = seconds() + accessTtl;
    accessTokens.set(pair.access_token, expiration);
    refreshTokens.set(pair.refresh_token, 'active');
    issued.push(pair);
    return {
      access_token: pair.access_token,
      access_token_expiration: expiration,
      refresh_token: pair.refresh_token,
      refresh_token_expiration: expiration + 365 * 24 * 3600,
    };
  }

  const unauthorized = () => HttpResponse.json({ message: '401 Unauthorized' }, { status: 401 });

  const handlers = [
    http.post(`${api}/oauth/v2/token`, async ({ request }) => {
      calls.token += 1;
      const body = (await request.json()) as Record<string, string>;
      if (body.client_id !== CLOVER_APP_ID || body.client_secret !== CLOVER_APP_SECRET) return unauthorized();
      const code = codes.get(body.code ?? '');
      if (code !== 'issued') return HttpResponse.json({ message: 'Invalid code' }, { status: 400 });
      codes.set(body.code as string, 'used');
      return HttpResponse.json(issuePair());
    }),
    http.post(`${api}/oauth/v2/refresh`, async ({ request }) => {
      calls.refresh += 1;
      const body = (await request.json()) as Record<string, string>;
      if (options.refreshDelayMs) await delay(options.refreshDelayMs);
      if (body.client_id !== CLOVER_APP_ID) return unauthorized();
      if (refreshTokens.get(body.refresh_token ?? '') !== 'active') return unauthorized();
      // Single use: the old refresh token dies the moment a new pair is issued.
      refreshTokens.set(body.refresh_token as string, 'used');
      return HttpResponse.json(issuePair());
    }),
    http.get(`${api}/v3/merchants/:merchantId`, ({ request, params }) => {
      calls.merchant += 1;
      const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
      const expiration = accessTokens.get(token);
      if (expiration === undefined || expiration <= seconds() || params.merchantId !== merchant.id) {
        return unauthorized();
      }
      const expanded = new URL(request.url).searchParams.get('expand')?.split(',') ?? [];
      return HttpResponse.json({
        ...merchant,
        address: expanded.includes('address')
          ? merchant.address
          : { href: `${api}/v3/merchants/${merchant.id}/address` },
      });
    }),
  ];

  return {
    handlers,
    calls,
    issued,
    /** The merchant approves the app: Clover's redirect with `merchant_id`, `client_id` and a code. */
    approve(authUrl: string): URL {
      const url = new URL(authUrl);
      if (url.origin + url.pathname !== `${oauth}/oauth/v2/authorize`) {
        throw new Error(`Not a Clover authorize URL: ${authUrl}`);
      }
      if (url.searchParams.get('client_id') !== CLOVER_APP_ID) throw new Error('Unknown Clover app');
      const back = new URL(url.searchParams.get('redirect_uri') ?? CLOVER_REDIRECT_URI);
      const code = random(12);
      codes.set(code, 'issued');
      back.searchParams.set('merchant_id', merchant.id);
      back.searchParams.set('client_id', CLOVER_APP_ID);
      back.searchParams.set('code', code);
      const state = url.searchParams.get('state');
      if (options.echoState && state !== null) back.searchParams.append('state', state);
      return back;
    },
    /** Clover forgets every access token (revoked, or expired on its clock), as after a 401. */
    revokeAccessTokens() {
      accessTokens.clear();
    },
    /** Clover forgets every refresh token, so the next refresh is refused. */
    revokeRefreshTokens() {
      refreshTokens.clear();
    },
  };
}

export type CloverSimulation = ReturnType<typeof cloverSimulation>;
