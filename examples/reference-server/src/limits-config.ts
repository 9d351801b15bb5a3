import { DEFAULT_LIMITS, DEFAULT_SYNC_CONCURRENCY, DEFAULT_SYNC_TENANT_BUDGET_MS } from '@pos/integrations-core';
import { ConfigError, type Env } from './config.js';

/** The per-tenant limits and the periodic push's fairness settings, from the environment. */
export interface LimitsConfig {
  /** `POS_MAX_BATCHES_PER_TENANT`, `POS_MAX_BATCHES_TOTAL`, `POS_MAX_UPLOAD_MB_PER_TENANT`, `POS_MAX_OAUTH_STATES_PER_TENANT`, `POS_CHECKOUT_RATE_PER_MINUTE`. */
  limits: {
    batchesPerTenant: number;
    batchesTotal: number;
    uploadBytesPerTenant: number;
    oauthStatesPerTenant: number;
    checkoutsPerMinute: number;
  };
  /** `POS_SYNC_CONCURRENCY`, `POS_SYNC_TENANT_BUDGET_MS`. */
  syncPool: { concurrency: number; tenantBudgetMs: number };
}

const MIB = 1024 * 1024;

export function whole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${value}".`);
  }
  return number;
}

/**
 * Reads the limits; `uploadMaxBytes` is `POS_UPLOAD_MAX_MB`, which the upload bytes one tenant
 * may have in flight must at least hold (by default the larger of 512 MiB and that).
 */
export function readLimits(env: Env, uploadMaxBytes: number): LimitsConfig {
  const batchesPerTenant = whole(env, 'POS_MAX_BATCHES_PER_TENANT', DEFAULT_LIMITS.batchesPerTenant, 1, 1000);
  const batchesTotal = whole(env, 'POS_MAX_BATCHES_TOTAL', DEFAULT_LIMITS.batchesTotal, 1, 10_000);
  if (batchesPerTenant > batchesTotal) {
    throw new ConfigError('POS_MAX_BATCHES_PER_TENANT cannot be more than POS_MAX_BATCHES_TOTAL.');
  }
  const uploadMaxMb = Math.ceil(uploadMaxBytes / MIB);
  const defaultInFlightMb = Math.max(DEFAULT_LIMITS.uploadBytesPerTenant / MIB, uploadMaxMb);
  const uploadMb = whole(env, 'POS_MAX_UPLOAD_MB_PER_TENANT', defaultInFlightMb, 1, 1_048_576);
  if (uploadMb < uploadMaxMb) {
    throw new ConfigError(
      `POS_MAX_UPLOAD_MB_PER_TENANT (${uploadMb}) must be at least POS_UPLOAD_MAX_MB (${uploadMaxMb}), or no upload of the largest size could run.`,
    );
  }
  return {
    limits: {
      batchesPerTenant,
      batchesTotal,
      uploadBytesPerTenant: uploadMb * MIB,
      oauthStatesPerTenant: whole(
        env,
        'POS_MAX_OAUTH_STATES_PER_TENANT',
        DEFAULT_LIMITS.oauthStatesPerTenant,
        1,
        10_000,
      ),
      checkoutsPerMinute: whole(env, 'POS_CHECKOUT_RATE_PER_MINUTE', DEFAULT_LIMITS.checkoutsPerMinute, 1, 100_000),
    },
    syncPool: {
      concurrency: whole(env, 'POS_SYNC_CONCURRENCY', DEFAULT_SYNC_CONCURRENCY, 1, 256),
      tenantBudgetMs: whole(env, 'POS_SYNC_TENANT_BUDGET_MS', DEFAULT_SYNC_TENANT_BUDGET_MS, 1_000, 3_600_000),
    },
  };
}
