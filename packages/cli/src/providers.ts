import type { Cipher, Connector, OutboundOptions } from '@pos/integrations-core';
import type { ProviderWiring } from './data-manager.js';
import { UsageError } from './usage.js';

type Env = Record<string, string | undefined>;

/**
 * The providers whose catalogue the command imports, each built by its connector's own reader of
 * the environment, the variables the reference server reads (loaded only when named, so that
 * `--help` loads no connector).
 */
const CONNECTORS: Record<string, { settings: string; build(env: Env): Promise<Connector> }> = {
  square: {
    settings: 'SQUARE_BASE_URL (optional: a sandbox or proxy)',
    build: async (env) => (await import('@pos/connector-square')).squareFromEnv(env),
  },
  clover: {
    settings: 'CLOVER_APP_ID, CLOVER_APP_SECRET, CLOVER_REDIRECT_URI, CLOVER_REGION (its app renews tokens)',
    build: async (env) => (await import('@pos/connector-clover')).cloverFromEnv(env),
  },
  woocommerce: {
    settings: "none (each store's URL and key are stored with its connection)",
    build: async () => (await import('@pos/connector-woocommerce')).wooCommerce(),
  },
};

export const CATALOGUE_PROVIDERS = Object.keys(CONNECTORS);

/** What --help says each provider reads from the environment. */
export const providerSettings = (): string =>
  Object.entries(CONNECTORS)
    .map(([provider, { settings }]) => `  ${provider.padEnd(30)}${settings}`)
    .join('\n');

/**
 * The server's key ring and the named provider's connector, from the environment: what opens the
 * tenant's stored credentials and reads the provider. A missing or malformed setting is a
 * configuration error (exit 2), as at a server's start.
 */
export async function providerWiring(provider: string, env: Env): Promise<ProviderWiring> {
  const entry = CONNECTORS[provider];
  if (!entry) {
    throw new UsageError(`Unknown provider "${provider}": use ${CATALOGUE_PROVIDERS.join(', ')}.`);
  }
  const { keyRingFromEnv, normalizeHostPort } = await import('@pos/integrations-core');
  let cipher: Cipher;
  let connector: Connector;
  try {
    cipher = keyRingFromEnv(env);
    connector = await entry.build(env);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  // A store on a private address is read only when listed, as the server allows it.
  const hosts = (env.POS_ALLOWED_PRIVATE_HOSTS ?? '').split(',').filter((entry) => entry.trim());
  let outbound: OutboundOptions | undefined;
  try {
    outbound = hosts.length > 0 ? { allowedPrivateHosts: hosts.map(normalizeHostPort) } : undefined;
  } catch {
    throw new UsageError('POS_ALLOWED_PRIVATE_HOSTS must be a comma list of host:port entries (e.g. 127.0.0.1:54321).');
  }
  return { cipher, connectors: [connector], ...(outbound ? { outbound } : {}) };
}
