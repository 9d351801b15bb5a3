import {
  type ConnectorContext,
  IntegrationError,
  type OutboundHttp,
  readBoundedJson,
  transientStatus,
  unreachable,
} from '@pos/integrations-core/connector';
import { wooCommerceErrors } from './errors.js';

/** The WordPress REST index (no authentication) and WooCommerce's REST API v3 below it. */
export const INDEX_PATH = '/wp-json';
export const REST_PATH = '/wp-json/wc/v3';

/** The system status lists every plugin and table: generous, but bounded. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface WooKeys {
  consumer_key: string;
  consumer_secret: string;
}

export interface WooAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body; `undefined` when the answer was not JSON (a web page: its text is never kept). */
  body: unknown;
}

/** HTTP Basic: the consumer key as user name, the secret as password (over https, or an allowed host). */
function basic({ consumer_key, consumer_secret }: WooKeys): string {
  return `Basic ${Buffer.from(`${consumer_key}:${consumer_secret}`, 'utf8').toString('base64')}`;
}

/**
 * One GET to the merchant's store through the outbound guard (public https only, no redirects);
 * network failures and timeouts become `PROVIDER_UNAVAILABLE`, the guard's refusals
 * (`VALIDATION_FAILED`) pass through, statuses are returned. An aborted `signal` ends the call
 * with the signal's reason.
 */
export async function get(
  outbound: OutboundHttp,
  url: string,
  options: { keys?: WooKeys; timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<WooAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await outbound.fetch(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...(options.keys ? { authorization: basic(options.keys) } : {}) },
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      subject: 'The store URL',
    });
    return {
      status: response.status,
      headers: response.headers,
      body: await readBoundedJson(response, MAX_BODY_BYTES),
    };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (error instanceof IntegrationError) throw error;
    throw unreachable('WooCommerce', error);
  }
}

/** WooCommerce's (WordPress's) error code, when the body has its shape: `{ code, message, data: { status } }`. */
function wooCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const code = (body as { code?: unknown }).code;
  return typeof code === 'string' && /^[a-z0-9_]{1,80}$/.test(code) ? code : undefined;
}

/**
 * An answer that is not a usable 2xx JSON answer, as one of our codes: 401/403 → the keys,
 * 404 → no WooCommerce there, 429/5xx → transient, a web page instead of JSON → not WooCommerce.
 * Only WooCommerce's own error code is repeated, never a body's text.
 */
export function answerError(answer: WooAnswer, storeUrl: string): IntegrationError | undefined {
  const code = wooCode(answer.body);
  const details = { http_status: answer.status, ...(code ? { woocommerce_code: code } : {}) };
  const transient = transientStatus('WooCommerce', answer.status, { headers: answer.headers, details });
  if (transient) return transient;
  if (answer.status === 401) {
    return wooCommerceErrors.error(
      'WOOCOMMERCE_INVALID_KEYS',
      'WooCommerce refused the consumer key or secret. Copy both again from WooCommerce → Settings → Advanced → REST API, or create a new key there.',
      { needsReconnect: true, details },
    );
  }
  if (answer.status === 403) {
    return wooCommerceErrors.error(
      'WOOCOMMERCE_INVALID_KEYS',
      "The key's WordPress user may not read the store. Create the key for an administrator or shop manager, with Read or Read/Write permission.",
      { needsReconnect: true, details },
    );
  }
  if (answer.status === 404) {
    return wooCommerceErrors.error(
      'WOOCOMMERCE_NOT_FOUND',
      `No WooCommerce REST API answered at ${storeUrl}${REST_PATH} (HTTP 404). Is WooCommerce installed and active, and are pretty permalinks on (Settings → Permalinks, not "Plain")?`,
      { needsReconnect: true, details },
    );
  }
  if (answer.status >= 300) {
    return wooCommerceErrors.error(
      'WOOCOMMERCE_REQUEST_REJECTED',
      `WooCommerce refused the request (HTTP ${answer.status}${code ? `, ${code}` : ''}).`,
      { details },
    );
  }
  if (answer.body === undefined) {
    return wooCommerceErrors.error(
      'WOOCOMMERCE_NOT_FOUND',
      `${storeUrl} answered with a web page, not the WooCommerce REST API. Check the store URL: is WooCommerce installed, and are pretty permalinks on?`,
      { needsReconnect: true, details },
    );
  }
  return undefined;
}

/** The connector's runner for read calls (`providerCalls`): retries and `Retry-After`. */
export type Calls = <T>(call: () => Promise<T>) => Promise<T>;

/** An authenticated GET of the REST API, run by `call`. */
export type RestRead = (
  store: string,
  path: string,
  keys: WooKeys,
  context: ConnectorContext,
  signal?: AbortSignal,
) => Promise<WooAnswer>;

/**
 * Authenticated reads of the REST API, each run by `call` (so rate limits and outages are
 * retried); anything but a JSON 2xx is thrown as one of our codes. An aborted `signal` stops
 * before the next attempt.
 */
export function restReader(call: Calls, timeoutMs: number): RestRead {
  return (store, path, keys, context, signal) =>
    call(async () => {
      signal?.throwIfAborted();
      const answer = await get(context.outbound, `${store}${path}`, { keys, timeoutMs, signal });
      const error = answerError(answer, store);
      if (error) throw error;
      return answer;
    });
}
