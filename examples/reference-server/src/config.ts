import { resolve } from 'node:path';
import { isVariant, normalizeHostPort, type Variant } from '@pos/integrations-core';
import { normalizeOrigin } from '@pos/server-express/lite';
import { type EventsConfig, readEvents } from './events-config.js';
import { type LimitsConfig, readLimits } from './limits-config.js';

export type ServerMode = 'demo' | 'real';

/** Everything the reference server reads from its environment, checked once at start. */
export interface ServerConfig extends LimitsConfig {
  mode: ServerMode;
  port: number;
  host: string;
  dbPath: string;
  /** A `postgres://` URL from `DATABASE_URL`: when set, PostgreSQL replaces the SQLite file. */
  databaseUrl: string | undefined;
  /** The most PostgreSQL connections this instance opens (`POS_DB_POOL_SIZE`). */
  databasePoolSize: number;
  dataDir: string;
  variant: Variant;
  /** `tenant:key` pairs from `POS_API_KEYS`. */
  apiKeys: Array<{ tenantId: string; key: string }>;
  encryptionKey: string | undefined;
  previousEncryptionKeys: string | undefined;
  oauthReturnUrl: string;
  squareBaseUrl: string | undefined;
  /** The `STRIPE_*`, `CLOVER_*` and `QUICKBOOKS_*` variables, read by the connectors' own `…FromEnv`. */
  oauthEnv: Env;
  supabaseManagementApiUrl: string | undefined;
  /**
   * `host:port` entries from `POS_ALLOWED_PRIVATE_HOSTS` that merchant URLs may point to although
   * they are private, over http too (a local Supabase, tests). Empty by default.
   */
  allowedPrivateHosts: string[];
  /** Origins of web pages elsewhere that may call the API from a browser (`POS_CORS_ORIGINS`); none by default. */
  corsOrigins: string[];
  /** How often pending sync changes are pushed (ms); 0 turns the periodic flush off. */
  syncIntervalMs: number;
  /** Largest Data Manager upload, from `POS_UPLOAD_MAX_MB` (default 200). */
  uploadMaxBytes: number;
  /**
   * After how long without a heartbeat a running Data Manager batch counts as crashed and any
   * instance fails it (`POS_BATCH_LEASE_MS`, default 30000).
   */
  batchLeaseMs: number;
  /** Origins allowed to frame the server's pages (`POS_FRAME_ANCESTORS`); none by default. */
  frameAncestors: string[];
  /** The least severe entries logged (`LOG_LEVEL`, default `info`); `silent` logs nothing. */
  logLevel: LogLevel;
  /** Webhook delivery of host events (`POS_EVENTS_*`); undefined when off. */
  events: EventsConfig | undefined;
}

/** pino's levels, most severe first, and `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function parseLogLevel(value: string | undefined): LogLevel {
  const level = value?.trim().toLowerCase() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${value}".`);
  }
  return level as LogLevel;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

function oauthEnv(env: Env): Env {
  return Object.fromEntries(
    Object.entries(env).filter(([name, value]) => /^(STRIPE|CLOVER|QUICKBOOKS)_/.test(name) && value?.trim()),
  );
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT must be a port number, not "${value}".`);
  return port;
}

function parseUploadLimit(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 200 * 1024 * 1024;
  const megabytes = Number(value);
  if (!Number.isInteger(megabytes) || megabytes < 1 || megabytes > 10_240) {
    throw new ConfigError(`POS_UPLOAD_MAX_MB must be a whole number of megabytes (1 to 10240), not "${value}".`);
  }
  return megabytes * 1024 * 1024;
}

function parseInterval(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 30_000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0 || (ms > 0 && ms < 1_000)) {
    throw new ConfigError(`POS_SYNC_INTERVAL_MS must be 0 (off) or at least 1000 milliseconds, not "${value}".`);
  }
  return ms;
}

function parseBatchLease(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 30_000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 2_000 || ms > 3_600_000) {
    throw new ConfigError(
      `POS_BATCH_LEASE_MS must be a whole number of milliseconds from 2000 to 3600000, not "${value}".`,
    );
  }
  return ms;
}

/**
 * `DATABASE_URL=postgres://user:password@host:5432/pos`. The value holds a password, so errors
 * describe it without repeating it.
 */
function parseDatabaseUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('DATABASE_URL is not a URL: use postgres://user:password@host:5432/database.');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      `DATABASE_URL must be a postgres:// or postgresql:// URL, not ${url.protocol}//…; leave it unset to use SQLite (POS_DB_PATH).`,
    );
  }
  return value;
}

function parsePoolSize(value: string | undefined): number {
  if (value === undefined || value === '') return 10;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > 1000) {
    throw new ConfigError(`POS_DB_POOL_SIZE must be a whole number from 1 to 1000, not "${value}".`);
  }
  return size;
}

/**
 * `POS_FRAME_ANCESTORS=https://pos.example.com https://*.example.com` (spaces or commas), or
 * `'self'`: the pages' CSP `frame-ancestors`. Each entry is checked, so none can add a directive.
 */
function parseFrameAncestors(value: string | undefined): string[] {
  const entries = (value ?? '').split(/[\s,]+/).filter(Boolean);
  for (const entry of entries) {
    if (entry !== "'self'" && !/^https?:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i.test(entry)) {
      throw new ConfigError(
        `POS_FRAME_ANCESTORS must list origins such as https://pos.example.com (or 'self'), not "${entry}".`,
      );
    }
  }
  return entries;
}

/** Where the data lives, for logs and the banner: never the credentials in a database URL. */
export function describeDatabase(config: Pick<ServerConfig, 'databaseUrl' | 'dbPath'>): string {
  if (!config.databaseUrl) return `SQLite ${config.dbPath}`;
  const url = new URL(config.databaseUrl);
  return `PostgreSQL ${url.host}${url.pathname}`;
}

/** `POS_ALLOWED_PRIVATE_HOSTS=127.0.0.1:54321,[::1]:8000` */
export function parseAllowedPrivateHosts(value: string | undefined): string[] {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.map((entry) => {
    try {
      return normalizeHostPort(entry);
    } catch {
      throw new ConfigError(
        `POS_ALLOWED_PRIVATE_HOSTS must be a comma list of host:port entries (e.g. 127.0.0.1:54321), not "${entry}".`,
      );
    }
  });
}

/** `POS_CORS_ORIGINS=https://pos.example.com,http://127.0.0.1:8000` */
export function parseCorsOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      try {
        return normalizeOrigin(entry);
      } catch {
        throw new ConfigError(
          `POS_CORS_ORIGINS must be a comma list of origins such as https://pos.example.com, not "${entry}".`,
        );
      }
    });
}

/** `POS_API_KEYS=tenant-a:key1,tenant-b:key2` */
export function parseApiKeys(value: string | undefined): Array<{ tenantId: string; key: string }> {
  if (!value?.trim()) return [];
  return value.split(',').map((entry) => {
    const separator = entry.indexOf(':');
    const tenantId = entry.slice(0, separator).trim();
    const key = entry.slice(separator + 1).trim();
    if (separator <= 0 || !tenantId || key.length < 16) {
      throw new ConfigError('POS_API_KEYS must be a comma list of tenant:key pairs, each key at least 16 characters.');
    }
    return { tenantId, key };
  });
}

export function readConfig(env: Env, mode: ServerMode): ServerConfig {
  const variant = env.POS_VARIANT?.trim() || 'full';
  if (!isVariant(variant)) throw new ConfigError(`POS_VARIANT must be lite, export or full, not "${variant}".`);
  const dbPath = resolve(env.POS_DB_PATH?.trim() || './data/pos.db');
  const config: ServerConfig = {
    mode,
    port: parsePort(env.PORT),
    host: env.HOST?.trim() || '127.0.0.1',
    dbPath,
    databaseUrl: parseDatabaseUrl(env.DATABASE_URL?.trim()),
    databasePoolSize: parsePoolSize(env.POS_DB_POOL_SIZE?.trim()),
    dataDir: resolve(dbPath, '..'),
    variant,
    apiKeys: parseApiKeys(env.POS_API_KEYS),
    encryptionKey: env.POS_ENCRYPTION_KEY?.trim() || undefined,
    previousEncryptionKeys: env.POS_ENCRYPTION_PREVIOUS_KEYS?.trim() || undefined,
    oauthReturnUrl: env.POS_OAUTH_RETURN_URL?.trim() || '/settings/integrations',
    squareBaseUrl: env.SQUARE_BASE_URL?.trim() || undefined,
    oauthEnv: oauthEnv(env),
    supabaseManagementApiUrl: env.SUPABASE_MANAGEMENT_API_URL?.trim() || undefined,
    allowedPrivateHosts: parseAllowedPrivateHosts(env.POS_ALLOWED_PRIVATE_HOSTS),
    corsOrigins: parseCorsOrigins(env.POS_CORS_ORIGINS),
    syncIntervalMs: parseInterval(env.POS_SYNC_INTERVAL_MS),
    uploadMaxBytes: parseUploadLimit(env.POS_UPLOAD_MAX_MB),
    batchLeaseMs: parseBatchLease(env.POS_BATCH_LEASE_MS),
    frameAncestors: parseFrameAncestors(env.POS_FRAME_ANCESTORS),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    ...readLimits(env, parseUploadLimit(env.POS_UPLOAD_MAX_MB)),
    ...readEvents(env),
  };
  if (mode === 'real') {
    if (!config.encryptionKey) {
      throw new ConfigError(
        'POS_ENCRYPTION_KEY is required: it encrypts every stored credential. Generate one with\n' +
          "  node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"\n" +
          'and keep it safe: without it stored credentials cannot be read.',
      );
    }
    if (config.apiKeys.length === 0) {
      throw new ConfigError(
        'POS_API_KEYS is required: set it to tenant:key pairs, e.g. POS_API_KEYS=store-1:<a long random key>.',
      );
    }
  }
  return config;
}
