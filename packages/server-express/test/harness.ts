import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AccountingOptions,
  type Clock,
  type Connector,
  type CreateIntegrationsOptions,
  createIntegrations,
  createKeyRing,
  type Integrations,
  type LimitOptions,
  type LogFields,
  type Logger,
  type LogMethod,
  type OutboundOptions,
  type PaymentOptions,
  type SyncOptions,
  type TokenRefreshOptions,
  type Variant,
} from '@pos/integrations-core';
import { createSqliteStorage, type SqliteStorage } from '@pos/storage-sqlite';
import { type ApiRequest, apiClient, listen, TEST_KEY_A } from '@pos/test-support';
import express from 'express';
import { pino } from 'pino';
import { type CorsOptions, type DataManagerOptions, integrationsRouter } from '../src/index.js';

export const TENANT_KEYS: Record<string, string> = {
  'tenant-a': 'key-tenant-a-0123456789abcdef',
  'tenant-b': 'key-tenant-b-0123456789abcdef',
  'tenant-c': 'key-tenant-c-0123456789abcdef',
};

/** Collects everything the SDK hands the host's logger. */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  // Held to pino's calling convention, `(fields, message)` or `(message)`, as a pino logger would be.
  const level =
    (name: string): LogMethod =>
    (first: LogFields | string, message?: string) => {
      if (typeof first === 'string' && message !== undefined) {
        throw new Error(`Logger.${name} called as (message, fields): "${first}"`);
      }
      lines.push(typeof first === 'string' ? `${name} ${first} {}` : `${name} ${message} ${JSON.stringify(first)}`);
    };
  return { lines, debug: level('debug'), info: level('info'), warn: level('warn'), error: level('error') };
}

/** A real pino logger, handed to the SDK as it is, whose JSON lines are collected. */
export function pinoCapturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger: Logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return Object.assign(logger, { lines });
}

export interface TestServer {
  url: string;
  dbPath: string;
  storage: SqliteStorage;
  integrations: Integrations;
  logger: ReturnType<typeof capturingLogger>;
  /** A client acting as the given tenant. */
  as(tenantId: string): ApiRequest;
  anonymous: ApiRequest;
  close(): Promise<void>;
}

export interface TestServerOptions {
  connectors?: Connector[];
  variant?: Variant;
  clock?: Clock;
  jsonLimit?: string;
  tokenRefresh?: TokenRefreshOptions;
  dataManager?: DataManagerOptions;
  payments?: PaymentOptions;
  limits?: LimitOptions;
  sync?: SyncOptions;
  accounting?: AccountingOptions;
  /** The outbound guard's allowed private hosts and resolver. */
  outbound?: OutboundOptions;
  /** Mounted on the app before the router, as a host's own global middleware would be. */
  before?: express.RequestHandler[];
  /** A second server on the first one's database file, as a second process would be. */
  sharing?: TestServer;
  /** Where the host mounts the router (default: the root). */
  mountPath?: string;
  /** The router's CORS option. */
  cors?: CorsOptions;
  /** The host's logger (default: `capturingLogger()`). */
  logger?: Logger & { lines: string[] };
  /** Host events: `{ delivery }` posts them to a URL. */
  events?: CreateIntegrationsOptions['events'];
}

/** Real SQLite in a temp file, real Express on an ephemeral port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = options.sharing ? undefined : mkdtempSync(join(tmpdir(), 'pos-server-'));
  const dbPath = options.sharing?.dbPath ?? join(dir as string, 'pos.db');
  const storage = await createSqliteStorage({ filename: dbPath });
  const logger = options.logger ?? capturingLogger();
  const integrations = createIntegrations({
    storage,
    cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
    connectors: options.connectors ?? [],
    variant: options.variant ?? 'full',
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.tokenRefresh ? { tokenRefresh: options.tokenRefresh } : {}),
    ...(options.payments ? { payments: options.payments } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.sync ? { sync: options.sync } : {}),
    ...(options.accounting ? { accounting: options.accounting } : {}),
    ...(options.outbound ? { outbound: options.outbound } : {}),
    ...(options.events ? { events: options.events } : {}),
  });
  const tenantsByKey = new Map(Object.entries(TENANT_KEYS).map(([tenant, key]) => [key, tenant]));
  const app = express();
  for (const handler of options.before ?? []) app.use(handler);
  app.use(
    options.mountPath ?? '/',
    integrationsRouter(integrations, {
      resolveTenant: (req) => tenantsByKey.get(req.get('authorization')?.replace(/^Bearer /, '') ?? ''),
      ...(options.jsonLimit ? { jsonLimit: options.jsonLimit } : {}),
      ...(options.dataManager ? { dataManager: options.dataManager } : {}),
      ...(options.cors ? { cors: options.cors } : {}),
    }),
  );
  const server = await listen(app);
  return {
    url: server.url,
    dbPath,
    storage,
    integrations,
    logger,
    as: (tenantId) => apiClient(server.url, { token: TENANT_KEYS[tenantId] as string }),
    anonymous: apiClient(server.url),
    async close() {
      await server.close();
      await integrations.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Row counts of the tables a failed request must leave alone. */
export function snapshot(storage: SqliteStorage) {
  const count = (table: string) =>
    (storage.database.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return {
    credentials: count('integration_credentials'),
    statuses: count('integration_status'),
    logs: count('integration_logs'),
    states: count('oauth_states'),
    batches: count('data_batches'),
    products: count('products'),
    customers: count('customers'),
    stripeAccounts: count(`provider_accounts where provider = 'stripe'`),
  };
}

/** Everything SQLite has on disk for this server: the database file, its WAL and shared memory. */
export function databaseBytes(server: TestServer): string {
  server.storage.database.pragma('wal_checkpoint(PASSIVE)');
  return ['', '-wal', '-shm']
    .map((suffix) => {
      try {
        return readFileSync(`${server.dbPath}${suffix}`).toString('latin1');
      } catch {
        return '';
      }
    })
    .join('');
}
