import type { IntegrationError } from '../../errors.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from '../../http/retry.js';

export interface ProviderCallOptions {
  /** Default {@link DEFAULT_RETRY_POLICY}: three attempts, honouring `Retry-After`. */
  retry?: RetryPolicy | undefined;
  /** Turns whatever a call throws into one of our codes; errors pass unchanged without it. */
  mapError?: (error: unknown) => IntegrationError;
}

/**
 * A runner for a connector's read calls: each failure mapped to our codes, then retried on
 * `RATE_LIMITED` and `PROVIDER_UNAVAILABLE`. Never for token calls (code exchange, refresh):
 * codes and refresh tokens may be single use.
 */
export function providerCalls(options: ProviderCallOptions = {}): <T>(call: () => Promise<T>) => Promise<T> {
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const { mapError } = options;
  return (call) =>
    withRetries(async () => {
      try {
        return await call();
      } catch (error) {
        throw mapError ? mapError(error) : error;
      }
    }, policy);
}
