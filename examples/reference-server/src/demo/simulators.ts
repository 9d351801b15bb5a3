import {
  cloverMerchant,
  createCloverSimulator,
  createQuickBooksSimulator,
  createSquareSimulator,
  createStripeSimulator,
  createSupabaseSimulator,
  createWooCommerceSimulator,
  nodeListener,
  quickbooksCompany,
  quickbooksCurrency,
  type StripeWebhookEndpoint,
  squareLocation,
  stripeAccount,
  wooCommerceDemoCatalogue,
} from '@pos/simulators';
import { Router } from 'express';
import * as demo from './constants.js';

// Clover and QuickBooks tokens are signed rather than remembered, so they survive a restart of the demo server.
const CLOVER_SIGNING_KEY = 'pos-integrations demo clover simulator: not a secret';
const QUICKBOOKS_SIGNING_KEY = 'pos-integrations demo quickbooks simulator: not a secret';

/** The demo's Square: the demo token and one location. */
export const demoSquare = () =>
  createSquareSimulator({
    token: demo.DEMO_SQUARE_TOKEN,
    locations: [
      squareLocation({
        id: demo.DEMO_SQUARE_LOCATION,
        name: 'Demo Coffee — Main St',
        business_name: 'Demo Coffee',
        merchant_id: 'ML-DEMO-MERCHANT',
        country: 'US',
        created_at: '2024-01-15T10:00:00Z',
      }),
    ],
  });

/** The demo's Supabase project: the demo secret key and the setup SQL's tables, in memory. */
export const demoSupabase = () =>
  createSupabaseSimulator({ keys: new Map([[demo.DEMO_SUPABASE_KEY, { role: 'service_role' }]]) }).simulator;

/** The demo's WooCommerce store: the demo REST API key, a dozen products and a few customers. */
export const demoWooCommerce = () =>
  createWooCommerceSimulator({
    consumerKey: demo.DEMO_WOOCOMMERCE_KEY,
    consumerSecret: demo.DEMO_WOOCOMMERCE_SECRET,
    store: { name: 'Demo Coffee Shop (simulated)', currency: 'USD' },
    ...wooCommerceDemoCatalogue(),
  });

/** The demo's Stripe platform and the account its consent page connects. */
export const demoStripe = (options: { redirectUri: () => string; webhook?: StripeWebhookEndpoint }) =>
  createStripeSimulator({
    clientId: demo.DEMO_STRIPE_CLIENT_ID,
    secretKey: demo.DEMO_STRIPE_SECRET_KEY,
    account: stripeAccount({
      id: demo.DEMO_STRIPE_ACCOUNT,
      business_profile: { name: 'Demo Coffee', url: 'https://demo-coffee.example' },
      settings: { dashboard: { display_name: 'Demo Coffee (simulated)', timezone: 'America/Chicago' } },
      email: 'owner@demo-coffee.example',
    }),
    // The demo merchant stays connected across restarts, as its stored connection does.
    connectedAccounts: [demo.DEMO_STRIPE_ACCOUNT],
    redirectUri: options.redirectUri,
    tag: 'demo',
    ...(options.webhook ? { webhook: options.webhook } : {}),
  });

/** The demo's Clover app and merchant, with 15-minute access tokens so renewals show in the logs. */
export const demoClover = (options: { redirectUri: () => string }) =>
  createCloverSimulator({
    appId: demo.DEMO_CLOVER_APP_ID,
    appSecret: demo.DEMO_CLOVER_APP_SECRET,
    merchant: cloverMerchant({
      id: demo.DEMO_CLOVER_MERCHANT,
      name: 'Demo Bakery (simulated)',
      address: { ...cloverMerchant().address, address1: '2 Market St' },
      owner: undefined,
    }),
    accessTtlSeconds: 15 * 60,
    redirectUri: options.redirectUri,
    signingKey: CLOVER_SIGNING_KEY,
  });

/** The demo's Intuit app and the QuickBooks company its consent page connects (a sandbox company). */
export const demoQuickBooks = (options: { redirectUri: () => string }) =>
  createQuickBooksSimulator({
    clientId: demo.DEMO_QUICKBOOKS_CLIENT_ID,
    clientSecret: demo.DEMO_QUICKBOOKS_CLIENT_SECRET,
    realmId: demo.DEMO_QUICKBOOKS_REALM,
    company: quickbooksCompany({
      CompanyName: 'Demo Coffee Books (simulated)',
      LegalName: 'Demo Coffee LLC',
      FiscalYearStartMonth: 'April',
    }),
    currency: quickbooksCurrency('USD'),
    redirectUri: options.redirectUri,
    signingKey: QUICKBOOKS_SIGNING_KEY,
  });

export interface DemoSimulatorUrls {
  /** This server's OAuth callback for a provider, the only redirect URI the simulated apps accept. */
  callbackUrl: (provider: string) => () => string;
  /** This server's Stripe webhook route, and the secret the simulated checkout page signs with. */
  stripeWebhook?: StripeWebhookEndpoint;
}

/**
 * Demo mode's providers, from @pos/simulators with the demo's documented credentials, under
 * `/demo/<provider>` on this server.
 */
export function demoSimulators(urls: DemoSimulatorUrls): Router {
  const router = Router();
  const stripe = demoStripe({
    redirectUri: urls.callbackUrl('stripe'),
    ...(urls.stripeWebhook ? { webhook: urls.stripeWebhook } : {}),
  });
  router.use(`${demo.SIMULATOR_PREFIX}/square`, nodeListener(demoSquare()));
  router.use(`${demo.SIMULATOR_PREFIX}/supabase`, nodeListener(demoSupabase()));
  router.use(`${demo.SIMULATOR_PREFIX}/woocommerce`, nodeListener(demoWooCommerce()));
  router.use(`${demo.SIMULATOR_PREFIX}/stripe`, nodeListener(stripe.simulator));
  router.use(
    `${demo.SIMULATOR_PREFIX}/clover`,
    nodeListener(demoClover({ redirectUri: urls.callbackUrl('clover') }).simulator),
  );
  router.use(
    `${demo.SIMULATOR_PREFIX}/quickbooks`,
    nodeListener(demoQuickBooks({ redirectUri: urls.callbackUrl('quickbooks') }).simulator),
  );
  return router;
}
