import { IntegrationError } from '../errors.js';

/** The `429 RATE_LIMITED` a limit answers with: `retryAfter` (whole seconds, at least 1) becomes `Retry-After`. */
export function rateLimited(
  message: string,
  retryAfterSeconds: number,
  details: Record<string, unknown>,
): IntegrationError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
  return new IntegrationError('RATE_LIMITED', message, {
    retryAfter,
    details: { ...details, retry_after: retryAfter },
  });
}
