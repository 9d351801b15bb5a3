import { CLOVER_REQUIRED_ENV, clover, cloverFromEnv } from '@pos/connector-clover';
import { QUICKBOOKS_REQUIRED_ENV, quickbooks, quickbooksFromEnv } from '@pos/connector-quickbooks';
import { STRIPE_REQUIRED_ENV, type StripeEnvDefaults, stripe, stripeFromEnv } from '@pos/connector-stripe';
import type { Connector, Logger } from '@pos/integrations-core';
import { ConfigError, type ServerConfig } from './config.js';
import {
  DEMO_CLOVER_APP_ID,
  DEMO_CLOVER_APP_SECRET,
  DEMO_QUICKBOOKS_CLIENT_ID,
  DEMO_QUICKBOOKS_CLIENT_SECRET,
  DEMO_STRIPE_CLIENT_ID,
  DEMO_STRIPE_SECRET_KEY,
} from './demo/constants.js';

const PROVIDERS = [
  {
    name: 'Stripe',
    required: STRIPE_REQUIRED_ENV,
    fromEnv: (env: ServerConfig['oauthEnv'], defaults: StripeEnvDefaults) => stripeFromEnv(env, defaults),
  },
  { name: 'Clover', required: CLOVER_REQUIRED_ENV, fromEnv: (env: ServerConfig['oauthEnv']) => cloverFromEnv(env) },
  {
    name: 'QuickBooks',
    required: QUICKBOOKS_REQUIRED_ENV,
    fromEnv: (env: ServerConfig['oauthEnv']) => quickbooksFromEnv(env),
  },
] as const;

/**
 * Stripe, Clover and QuickBooks from the environment. A provider whose required variables are all unset is
 * simply not configured (its routes are not mounted, so its card stays hidden); one that is
 * half configured is left out with a warning saying what is missing.
 */
export function oauthConnectorsFromEnv(
  config: ServerConfig,
  logger: Logger,
  checkoutReturn: StripeEnvDefaults = {},
): Connector[] {
  const connectors: Connector[] = [];
  for (const provider of PROVIDERS) {
    const missing = provider.required.filter((name) => !config.oauthEnv[name]);
    if (missing.length === provider.required.length) continue;
    if (missing.length > 0) {
      logger.warn(`${provider.name} is not configured: set ${missing.join(', ')}. Its integration stays hidden.`);
      continue;
    }
    try {
      connectors.push(provider.fromEnv(config.oauthEnv, checkoutReturn));
    } catch (error) {
      throw new ConfigError(error instanceof Error ? error.message : String(error));
    }
  }
  return connectors;
}

/**
 * Demo mode: every OAuth provider against the simulators this server serves under `/demo/…`, Stripe
 * with Checkout turned on and verifying webhooks with demo mode's own secret.
 */
export function demoOAuthConnectors(
  callbackUrl: (provider: string) => () => string,
  simulatorUrl: (name: string) => () => string,
  checkout: Required<StripeEnvDefaults> & { webhookSecret: string },
): Connector[] {
  return [
    stripe({
      clientId: DEMO_STRIPE_CLIENT_ID,
      secretKey: DEMO_STRIPE_SECRET_KEY,
      redirectUri: callbackUrl('stripe'),
      apiBase: simulatorUrl('stripe'),
      connectBase: simulatorUrl('stripe'),
      checkout,
    }),
    clover({
      appId: DEMO_CLOVER_APP_ID,
      appSecret: DEMO_CLOVER_APP_SECRET,
      redirectUri: callbackUrl('clover'),
      apiBase: simulatorUrl('clover'),
      oauthBase: simulatorUrl('clover'),
    }),
    quickbooks({
      clientId: DEMO_QUICKBOOKS_CLIENT_ID,
      clientSecret: DEMO_QUICKBOOKS_CLIENT_SECRET,
      redirectUri: callbackUrl('quickbooks'),
      environment: 'sandbox',
      apiBase: simulatorUrl('quickbooks'),
      oauthBase: simulatorUrl('quickbooks'),
    }),
  ];
}
