import { randomBytes } from 'node:crypto';
import { combine, formOf, html, json, jsonOf, type Route, redirect, simulator, sleep, text } from '../exchange.js';
import { consentPage } from '../pages.js';
import { signedTokens } from '../tokens.js';
import { type CloverCatalogue, cloverDemoCatalogue } from './catalogue.js';
import {
  CLOVER_APP_ID,
  CLOVER_APP_SECRET,
  CLOVER_REDIRECT_URI,
  type CloverMerchant,
  cloverMerchant,
} from './fixtures.js';
import { type Authorize, cloverInventory } from './inventory.js';

const CODE_LIFETIME_MS = 5 * 60 * 1000;

export interface CloverSimulatorOptions {
  /** The app's id and secret (the fixtures' by default). */
  appId?: string;
  appSecret?: string;
  merchant?: CloverMerchant;
  /** Decides token and code expiry; share the server's clock to move time in tests. */
  clock?: { now(): Date };
  /** How long access tokens live (default one hour). */
  accessTtlSeconds?: number;
  /** Echo `state` as its own parameter too (Clover v2 may or may not, shared/providers.md §5). */
  echoState?: boolean;
  /** Hold refresh answers this long, so concurrent callers really overlap. */
  refreshDelayMs?: number;
  /** The app's registered redirect URI; when set, one outside it (its query string aside) is refused. */
  redirectUri?: () => string;
  /** Signs the tokens; a fixed key keeps tokens valid across restarts (default: a random one). */
  signingKey?: string;
  /** The merchant's inventory (default: the demo bakery's dozen items, `cloverDemoCatalogue()`). */
  catalogue?: CloverCatalogue;
}

/**
 * A simulated Clover, as plain request handlers over in-memory state: the consent page (`pages`),
 * OAuth v2 `token` and `refresh` with expiring access tokens and single-use refresh tokens (each
 * refresh rotates the pair), and the merchant endpoint answering 401 to expired, revoked or
 * unknown tokens (`api`). `simulator` serves both from one root. Every answer carries
 * `X-Simulated: clover`.
 */
export function createCloverSimulator(options: CloverSimulatorOptions = {}) {
  const appId = options.appId ?? CLOVER_APP_ID;
  const appSecret = options.appSecret ?? CLOVER_APP_SECRET;
  const merchant = options.merchant ?? cloverMerchant();
  const clock = options.clock ?? { now: () => new Date() };
  const accessTtl = options.accessTtlSeconds ?? 3600;
  const tokens = signedTokens(options.signingKey ?? randomBytes(32).toString('hex'), {
    access: 'clv_at',
    refresh: 'clv_rt',
  });
  const codes = new Map<string, { status: 'issued' | 'used'; expires: number }>();
  const spentRefreshTokens = new Set<string>();
  const calls = { token: 0, refresh: 0, merchant: 0 };
  /** Every pair handed out, newest last. */
  const issued: Array<{ access_token: string; refresh_token: string }> = [];
  const seconds = () => Math.floor(clock.now().getTime() / 1000);

  const registered = (value: string | null | undefined) => {
    if (!value) return false;
    if (!options.redirectUri) return true;
    const url = new URL(value);
    return `${url.origin}${url.pathname}` === options.redirectUri();
  };

  function issuePair() {
    const accessExpires = seconds() + accessTtl;
    const refreshExpires = accessExpires + 365 * 24 * 3600;
    const pair = {
      access_token: tokens.issue('access', merchant.id, accessExpires),
      refresh_token: tokens.issue('refresh', merchant.id, refreshExpires),
    };
    issued.push(pair);
    return { ...pair, access_token_expiration: accessExpires, refresh_token_expiration: refreshExpires };
  }

  /** The merchant's choice on the consent page: Clover's redirect with `merchant_id`, `client_id` and a code. */
  function consent(back: URL, state: string | null, approve: boolean): URL {
    if (approve) {
      const code = randomBytes(12).toString('hex');
      codes.set(code, { status: 'issued', expires: clock.now().getTime() + CODE_LIFETIME_MS });
      back.searchParams.set('merchant_id', merchant.id);
      back.searchParams.set('client_id', appId);
      back.searchParams.set('code', code);
    } else {
      back.searchParams.set('error', 'access_denied');
    }
    if (options.echoState && state) back.searchParams.append('state', state);
    return back;
  }

  const unauthorized = () => json(401, { message: '401 Unauthorized' });
  /** A live access token issued for this merchant, asking about this merchant. */
  const authorized: Authorize = ({ headers }, merchantId) => {
    const token = headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
    const claims = tokens.verify(token, 'access', seconds());
    return Boolean(claims) && claims?.subject === merchantId && merchantId === merchant.id;
  };
  const inventory = cloverInventory(options.catalogue ?? cloverDemoCatalogue(), clock);

  const pages: Route[] = [
    [
      'GET',
      '/oauth/v2/authorize',
      ({ query, root }) => {
        const redirectUri = query.get('redirect_uri') ?? CLOVER_REDIRECT_URI;
        if (query.get('client_id') !== appId || !registered(redirectUri)) {
          return text(400, 'Simulated Clover: unknown app or a redirect URI outside its site URL.');
        }
        const state = query.get('state');
        return html(
          consentPage({
            provider: 'Clover',
            requester: `POS Integrations demo app (${appId})`,
            account: `${merchant.name} (merchant ${merchant.id})`,
            action: `${root}/oauth/v2/authorize/decision`,
            fields: { redirect_uri: redirectUri, ...(options.echoState && state ? { state } : {}) },
          }),
        );
      },
    ],
    [
      'POST',
      '/oauth/v2/authorize/decision',
      (request) => {
        const body = formOf(request);
        if (!registered(body.redirect_uri)) {
          return text(400, 'Simulated Clover: a redirect URI outside the app site URL.');
        }
        const back = consent(new URL(body.redirect_uri as string), body.state ?? null, body.decision === 'approve');
        return redirect(302, back.href);
      },
    ],
  ];

  const api: Route[] = [
    [
      'POST',
      '/oauth/v2/token',
      (request) => {
        calls.token += 1;
        const body = jsonOf(request);
        if (body.client_id !== appId || body.client_secret !== appSecret) return unauthorized();
        const code = codes.get(String(body.code ?? ''));
        if (code?.status !== 'issued' || code.expires < clock.now().getTime()) {
          return json(400, { message: 'Invalid or expired code' });
        }
        code.status = 'used';
        return json(200, issuePair());
      },
    ],
    [
      'POST',
      '/oauth/v2/refresh',
      async (request) => {
        calls.refresh += 1;
        const body = jsonOf(request);
        if (options.refreshDelayMs) await sleep(options.refreshDelayMs);
        const token = String(body.refresh_token ?? '');
        if (body.client_id !== appId || !tokens.verify(token, 'refresh', seconds())) return unauthorized();
        // Single use: a refresh token dies the moment it buys a new pair.
        if (spentRefreshTokens.has(token)) return unauthorized();
        spentRefreshTokens.add(token);
        return json(200, issuePair());
      },
    ],
    [
      'GET',
      '/v3/merchants/:merchantId',
      (request, { merchantId = '' }) => {
        calls.merchant += 1;
        if (!authorized(request, merchantId)) return unauthorized();
        const { query, root } = request;
        const expanded = query.get('expand')?.split(',') ?? [];
        return json(200, {
          ...merchant,
          address: expanded.includes('address')
            ? merchant.address
            : { href: `${root}/v3/merchants/${merchant.id}/address` },
          // The merchant's settings; an app reads the currency from either place.
          properties: expanded.includes('properties')
            ? { defaultCurrency: merchant.defaultCurrency, trackStock: true, updateStock: true, vat: false }
            : { href: `${root}/v3/merchants/${merchant.id}/properties` },
        });
      },
    ],
    ...inventory.routes(authorized),
  ];

  const hosts = { api: simulator('clover', api), pages: simulator('clover', pages) };
  return {
    ...hosts,
    simulator: combine('clover', hosts.api, hosts.pages),
    /** Requests seen per endpoint. */
    calls,
    issued,
    consent,
    /** The refresh token of the pair issued last. */
    latestRefreshToken: () => issued.at(-1)?.refresh_token,
    /** Clover stops accepting every access token issued so far (revoked, or expired on its clock), as after a 401. */
    revokeAccessTokens: () => tokens.revoke('access'),
    /** Clover stops accepting every refresh token issued so far, so the next refresh is refused. */
    revokeRefreshTokens: () => tokens.revoke('refresh'),
    /** The merchant's items and categories, and the inventory faults (429, outage) for tests. */
    inventory,
  };
}

export type CloverSimulator = ReturnType<typeof createCloverSimulator>;
