import { IntegrationError } from '../../errors.js';
import { parseRetryAfter } from '../../http/retry.js';
import type { JsonObject } from '../../storage/port.js';

/**
 * The failures every provider call can meet, as core's generic codes, worded one way for every
 * connector: `RATE_LIMITED` (429, with the provider's `Retry-After` as `retryAfter`) and
 * `PROVIDER_UNAVAILABLE` (5xx, no answer, no answer in time). All are retried by `withRetries`.
 */
export interface ProviderFailure {
  /** Public facts for the error body (`{ square_code }`, `{ http_status }`); never secrets. */
  details?: JsonObject;
  cause?: unknown;
}

/** `RATE_LIMITED`: the provider asked to slow down; `retryAfter` is its `Retry-After` header. */
export function rateLimited(
  provider: string,
  failure: ProviderFailure & { retryAfter?: string | null } = {},
): IntegrationError {
  const retryAfter = parseRetryAfter(failure.retryAfter);
  return new IntegrationError('RATE_LIMITED', `${provider} is rate limiting requests. Try again shortly.`, {
    ...(failure.details ? { details: failure.details } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    ...(failure.cause !== undefined ? { cause: failure.cause } : {}),
  });
}

/**
 * `PROVIDER_UNAVAILABLE`: the provider answered with a 5xx (`status`), did not answer in time
 * (`timedOut`), or could not be reached (neither).
 */
export function providerUnavailable(
  provider: string,
  failure: ProviderFailure & { status?: number; timedOut?: boolean } = {},
): IntegrationError {
  const message =
    failure.status !== undefined
      ? `${provider} is unavailable (HTTP ${failure.status}). Try again shortly.`
      : failure.timedOut
        ? `${provider} did not answer in time. Try again shortly.`
        : `${provider} could not be reached. Try again shortly.`;
  return new IntegrationError('PROVIDER_UNAVAILABLE', message, {
    ...(failure.details ? { details: failure.details } : {}),
    ...(failure.cause !== undefined ? { cause: failure.cause } : {}),
  });
}

/** Whether a thrown error is a timeout: fetch's `TimeoutError`, or a client's error saying so. */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && /timeout/i.test(`${error.name} ${error.message}`);
}

/** A request that got no answer (network failure, timeout) as `PROVIDER_UNAVAILABLE`. */
export function unreachable(provider: string, error: unknown, failure: ProviderFailure = {}): IntegrationError {
  return providerUnavailable(provider, { ...failure, timedOut: isTimeout(error), cause: error });
}

/** A header source: fetch's `Headers`, or anything with the same `get`. */
export interface HeaderSource {
  get(name: string): string | null | undefined;
}

/**
 * An answer's status as a transient failure: 429 → `RATE_LIMITED`, 5xx → `PROVIDER_UNAVAILABLE`;
 * undefined for every other status, which the connector maps to its own codes.
 */
export function transientStatus(
  provider: string,
  status: number,
  failure: ProviderFailure & { headers?: HeaderSource | null } = {},
): IntegrationError | undefined {
  const { headers, ...rest } = failure;
  if (status === 429) return rateLimited(provider, { ...rest, retryAfter: headers?.get('retry-after') });
  if (status >= 500) return providerUnavailable(provider, { ...rest, status });
  return undefined;
}
