import { IntegrationError } from '../errors.js';

/** How a provider call is retried: only on rate limits and provider outages, a bounded number of times. */
export interface RetryPolicy {
  /** Total attempts, the first one included. */
  attempts: number;
  baseDelayMs: number;
  /** A provider asking to wait longer than this is not retried; its error goes back to the caller. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 };

const RETRYABLE_CODES = new Set(['RATE_LIMITED', 'PROVIDER_UNAVAILABLE']);

export function isRetryable(error: unknown): boolean {
  return error instanceof IntegrationError && RETRYABLE_CODES.has(error.code);
}

/** Reads `Retry-After` (seconds or an HTTP date) as seconds, or undefined. */
export function parseRetryAfter(value: string | null | undefined, now: Date = new Date()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error, or the attempts run out.
 * A `retryAfter` on the error (from the provider's `Retry-After`) sets the wait.
 */
export async function withRetries<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryable(error)) throw error;
      const requested = (error as IntegrationError).retryAfter;
      const delay =
        requested !== undefined
          ? requested * 1000
          : policy.baseDelayMs * 2 ** (attempt - 1) * (1 + Math.random() * 0.25);
      if (delay > policy.maxDelayMs) throw error;
      await wait(delay);
    }
  }
}
