import { type Lazy, resolveLazy } from '@pos/integrations-core/connector';
import Stripe from 'stripe';

export const STRIPE_API_BASE = 'https://api.stripe.com';
export const STRIPE_CONNECT_BASE = 'https://connect.stripe.com';

export interface StripeClientOptions {
  /** The platform's secret key (`sk_…`); every call, OAuth included, authenticates with it. */
  secretKey: string;
  /** Where `api.stripe.com` calls go instead (`STRIPE_API_BASE`), e.g. `http://127.0.0.1:12111`. */
  apiBase?: Lazy<string>;
  /** Where `connect.stripe.com` calls go instead (`STRIPE_CONNECT_BASE`). */
  connectBase?: Lazy<string>;
  /** Per request, default 20 s. */
  timeoutMs?: number;
}

/** `https://base/prefix` + the SDK's path: bases may carry a path (a simulator mounted under `/demo/stripe`). */
function rebase(url: URL, base: string): string {
  const target = new URL(base);
  return `${target.origin}${target.pathname.replace(/\/$/, '')}${url.pathname}${url.search}`;
}

/**
 * The official SDK with its two hosts redirectable. A custom fetch rewrites each request by host,
 * because the SDK's own `host` option either ignores connect.stripe.com (v17–v21) or sends
 * everything to one host (v22+), and OAuth must reach its own base.
 */
export function createStripeClient(options: StripeClientOptions): Stripe {
  const apiBase = options.apiBase ?? STRIPE_API_BASE;
  const connectBase = options.connectBase ?? STRIPE_CONNECT_BASE;
  const routedFetch: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname === 'api.stripe.com') return fetch(rebase(url, resolveLazy(apiBase)), init);
    if (url.hostname === 'connect.stripe.com') return fetch(rebase(url, resolveLazy(connectBase)), init);
    return fetch(input, init);
  };
  return new Stripe(options.secretKey, {
    httpClient: Stripe.createFetchHttpClient(routedFetch),
    // Retries are ours, and never for the code exchange: a code used twice revokes the connection.
    maxNetworkRetries: 0,
    timeout: options.timeoutMs ?? 20_000,
    telemetry: false,
    appInfo: { name: 'pos-integrations' },
  });
}
