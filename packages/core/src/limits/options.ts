import { IntegrationError } from '../errors.js';

/**
 * Per-tenant limits, so one tenant cannot take the memory, disk or provider quota the others
 * need. Each is counted in this process: with several server instances, each applies them on
 * its own. A request over a limit gets `429 RATE_LIMITED` with `Retry-After`, and creates nothing.
 */
export interface LimitOptions {
  /** Data Manager seeds and uploads one tenant may have running at once (default 2). */
  batchesPerTenant?: number;
  /** Data Manager seeds and uploads running at once across every tenant (default 8). */
  batchesTotal?: number;
  /**
   * Bytes of uploads one tenant may have in flight, from the first byte received until the import
   * ends (default 512 MiB). An upload is counted at its declared length, or at the router's
   * largest upload when it declares none. An upload larger than this on its own gets 413.
   */
  uploadBytesPerTenant?: number;
  /** OAuth authorization links one tenant may have open (issued, unused, unexpired) at once (default 20). */
  oauthStatesPerTenant?: number;
  /** Checkout session requests one tenant may make per minute, in bursts of up to as many (default 60). */
  checkoutsPerMinute?: number;
}

export type ResolvedLimits = Required<LimitOptions>;

export const DEFAULT_LIMITS: ResolvedLimits = {
  batchesPerTenant: 2,
  batchesTotal: 8,
  uploadBytesPerTenant: 512 * 1024 * 1024,
  oauthStatesPerTenant: 20,
  checkoutsPerMinute: 60,
};

/** The defaults with the given options over them; every limit must be a whole number of at least 1. */
export function resolveLimits(options: LimitOptions = {}): ResolvedLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(DEFAULT_LIMITS) as (keyof ResolvedLimits)[]) {
    const value = options[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new IntegrationError('VALIDATION_FAILED', `limits.${name} must be a whole number of at least 1.`);
    }
    limits[name] = value;
  }
  if (limits.batchesPerTenant > limits.batchesTotal) {
    throw new IntegrationError('VALIDATION_FAILED', 'limits.batchesPerTenant cannot be more than limits.batchesTotal.');
  }
  return limits;
}
