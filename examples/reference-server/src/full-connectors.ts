import { square } from '@pos/connector-square';
import { supabase } from '@pos/connector-supabase';
import { wooCommerce } from '@pos/connector-woocommerce';
import type { Connector, Logger } from '@pos/integrations-core';
import type { ServerConfig } from './config.js';
import { demoOAuthConnectors, oauthConnectorsFromEnv } from './oauth-connectors.js';

export interface ConnectorUrls {
  simulatorUrl(name: string): () => string;
  callbackUrl(provider: string): () => string;
  checkoutReturn: { successUrl: () => string; cancelUrl: () => string };
  /** Demo mode's webhook secret (or the configured one). */
  webhookSecret: string | undefined;
}

/**
 * The full variant's connectors. Loaded only when `POS_VARIANT` is `full`, so a lite or export
 * server never loads connector code.
 */
export function fullConnectors(config: ServerConfig, logger: Logger, urls: ConnectorUrls): Connector[] {
  const demo = config.mode === 'demo';
  return [
    square({
      ...(demo
        ? { baseUrl: urls.simulatorUrl('square') }
        : config.squareBaseUrl
          ? { baseUrl: config.squareBaseUrl }
          : {}),
    }),
    supabase(!demo && config.supabaseManagementApiUrl ? { managementApiUrl: config.supabaseManagementApiUrl } : {}),
    // Needs no server configuration: each merchant enters their store's URL and REST API key.
    wooCommerce(),
    ...(demo
      ? demoOAuthConnectors(urls.callbackUrl, urls.simulatorUrl, {
          ...urls.checkoutReturn,
          webhookSecret: urls.webhookSecret as string,
        })
      : oauthConnectorsFromEnv(config, logger, urls.checkoutReturn)),
  ];
}
