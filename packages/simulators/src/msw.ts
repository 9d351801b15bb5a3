/**
 * The msw side: simulators as request handlers for `setupServer` (tests), and the msw-flavoured
 * simulations the repository's tests use, whose consent steps are function calls instead of a
 * browser on a consent page.
 */
import { HttpResponse, http, type RequestHandler } from 'msw';
import { CLOVER_API, CLOVER_APP_ID, CLOVER_OAUTH, CLOVER_REDIRECT_URI } from './clover/fixtures.js';
import { type CloverSimulator, type CloverSimulatorOptions, createCloverSimulator } from './clover/simulator.js';
import type { Simulator } from './exchange.js';
import { INTUIT_APPCENTER, INTUIT_DEVELOPER_API, INTUIT_OAUTH, QUICKBOOKS_API } from './quickbooks/fixtures.js';
import {
  createQuickBooksSimulator,
  type QuickBooksSimulator,
  type QuickBooksSimulatorOptions,
} from './quickbooks/simulator.js';
import type { SquareCatalogue } from './square/catalogue.js';
import { SQUARE_PRODUCTION, squareLocation } from './square/fixtures.js';
import { createSquareSimulator, type SquareSimulatorOptions } from './square/simulator.js';
import { STRIPE_API, STRIPE_CONNECT } from './stripe/fixtures.js';
import { createStripeSimulator, type StripeSimulator, type StripeSimulatorOptions } from './stripe/simulator.js';
import { WOOCOMMERCE_STORE } from './woocommerce/fixtures.js';
import { createWooCommerceSimulator, type WooCommerceSimulatorOptions } from './woocommerce/simulator.js';

/** msw handlers that send every request under `base` to `simulated`; what it does not know stays unhandled. */
export function mswHandlers(simulated: Simulator, base: string): RequestHandler[] {
  const root = base.replace(/\/+$/, '');
  const prefix = new URL(root).pathname.replace(/\/+$/, '');
  return [
    http.all(`${root}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const answer = await simulated.handle({
        method: request.method,
        path: url.pathname.slice(prefix.length) || '/',
        query: url.searchParams,
        headers: request.headers,
        body: await request.text(),
        root,
      });
      if (!answer) return undefined;
      return new HttpResponse(answer.body || null, { status: answer.status, headers: answer.headers });
    }),
  ];
}

export interface StripeSimulationOptions extends StripeSimulatorOptions {
  api?: string;
  connect?: string;
}

/**
 * Stripe Connect and Checkout under msw: Stripe's API and Connect hosts (production's by
 * default), and `approve`/`deny` standing in for the merchant on the consent page.
 */
export function stripeSimulation(options: StripeSimulationOptions = {}): StripeSimulation {
  const { api = STRIPE_API, connect = STRIPE_CONNECT, ...rest } = options;
  const stripe = createStripeSimulator({ checkoutBase: 'https://checkout.stripe.com/c/pay', ...rest });
  const authorizeParams = (authUrl: string) => {
    const url = new URL(authUrl);
    if (url.origin + url.pathname !== `${connect}/oauth/authorize`) {
      throw new Error(`Not a Stripe authorize URL: ${authUrl}`);
    }
    return url.searchParams;
  };
  const { simulator: _all, connect: connectHost, api: apiHost, pages: _pages, ...state } = stripe;
  return {
    ...state,
    handlers: [...mswHandlers(connectHost, connect), ...mswHandlers(apiHost, api)],
    /**
     * The merchant clicks "Connect" on the consent page: the redirect back, with a fresh code for
     * the default account, or for the account named (a merchant signed in to another account).
     */
    approve: (authUrl: string, accountId?: string) => stripe.consent(authorizeParams(authUrl), true, accountId),
    /** The merchant declines: `error=access_denied`. */
    deny: (authUrl: string) => stripe.consent(authorizeParams(authUrl), false),
  };
}

export type StripeSimulation = Omit<StripeSimulator, 'simulator' | 'connect' | 'api' | 'pages' | 'consent'> & {
  handlers: RequestHandler[];
  approve(authUrl: string, accountId?: string): URL;
  deny(authUrl: string): URL;
};

export interface CloverSimulationOptions extends CloverSimulatorOptions {
  api?: string;
  oauth?: string;
}

/** Clover under msw: its API host, and `approve` standing in for the merchant on the consent page. */
export function cloverSimulation(options: CloverSimulationOptions = {}): CloverSimulation {
  const { api = CLOVER_API, oauth = CLOVER_OAUTH, ...rest } = options;
  const clover = createCloverSimulator(rest);
  const { simulator: _all, api: apiHost, pages: _pages, ...state } = clover;
  return {
    ...state,
    handlers: mswHandlers(apiHost, api),
    /** The merchant approves the app: Clover's redirect with `merchant_id`, `client_id` and a code. */
    approve(authUrl: string): URL {
      const url = new URL(authUrl);
      if (url.origin + url.pathname !== `${oauth}/oauth/v2/authorize`) {
        throw new Error(`Not a Clover authorize URL: ${authUrl}`);
      }
      if (url.searchParams.get('client_id') !== (rest.appId ?? CLOVER_APP_ID)) throw new Error('Unknown Clover app');
      const back = new URL(url.searchParams.get('redirect_uri') ?? CLOVER_REDIRECT_URI);
      return clover.consent(back, url.searchParams.get('state'), true);
    },
  };
}

export type CloverSimulation = Omit<CloverSimulator, 'simulator' | 'api' | 'pages' | 'consent'> & {
  handlers: RequestHandler[];
  approve(authUrl: string): URL;
};

export interface QuickBooksSimulationOptions extends QuickBooksSimulatorOptions {
  /** The Accounting API host (production's by default; `QUICKBOOKS_SANDBOX_API` for a sandbox company). */
  api?: string;
}

/**
 * QuickBooks Online under msw: Intuit's token and revocation hosts and the Accounting API host,
 * and `approve`/`deny` standing in for the merchant on the consent page at appcenter.intuit.com.
 */
export function quickbooksSimulation(options: QuickBooksSimulationOptions = {}): QuickBooksSimulation {
  const { api = QUICKBOOKS_API, ...rest } = options;
  const quickbooks = createQuickBooksSimulator(rest);
  const { simulator: _all, pages: _pages, tokens, revoke, api: apiHost, consent, ...state } = quickbooks;
  const authorizeParams = (authUrl: string) => {
    const url = new URL(authUrl);
    if (url.origin + url.pathname !== `${INTUIT_APPCENTER}/connect/oauth2`) {
      throw new Error(`Not an Intuit authorize URL: ${authUrl}`);
    }
    return url.searchParams;
  };
  return {
    ...state,
    handlers: [
      ...mswHandlers(tokens, INTUIT_OAUTH),
      ...mswHandlers(revoke, INTUIT_DEVELOPER_API),
      ...mswHandlers(apiHost, api),
    ],
    /** The merchant picks the company and connects: the redirect with `code`, `state` and `realmId`. */
    approve: (authUrl: string) => consent(authorizeParams(authUrl), true),
    /** The merchant cancels: `error=access_denied`. */
    deny: (authUrl: string) => consent(authorizeParams(authUrl), false),
  };
}

export type QuickBooksSimulation = Omit<
  QuickBooksSimulator,
  'simulator' | 'pages' | 'tokens' | 'revoke' | 'api' | 'consent'
> & {
  handlers: RequestHandler[];
  approve(authUrl: string): URL;
  deny(authUrl: string): URL;
};

/** Square as it answers for a valid token and a known location, 401 and 404 otherwise. */
export function squareHandlers(base = SQUARE_PRODUCTION, location = squareLocation()): RequestHandler[] {
  return mswHandlers(createSquareSimulator({ locations: [location] }), base);
}

export interface SquareSimulationOptions extends SquareSimulatorOptions {
  /** The API host (production's by default). */
  base?: string;
}

/** Square under msw (a small café's catalogue by default), with its catalogue for tests to change. */
export function squareSimulation(options: SquareSimulationOptions = {}): SquareSimulation {
  const { base = SQUARE_PRODUCTION, ...rest } = options;
  const square = createSquareSimulator(rest);
  return { handlers: mswHandlers(square, base), catalogue: square.catalogue };
}

export interface SquareSimulation {
  handlers: RequestHandler[];
  catalogue: SquareCatalogue;
}

/** A WooCommerce store at `base` (`WOOCOMMERCE_STORE` by default) accepting the simulator's key. */
export function wooCommerceHandlers(
  base = WOOCOMMERCE_STORE,
  options: WooCommerceSimulatorOptions = {},
): RequestHandler[] {
  return mswHandlers(createWooCommerceSimulator(options), base);
}
