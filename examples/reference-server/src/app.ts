import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Connector,
  createIntegrations,
  createKeyRing,
  type IntegrationStorage,
  type Integrations,
  type Logger,
  type Variant,
} from '@pos/integrations-core';
import { corsHandler, type IntegrationsRouterOptions } from '@pos/server-express/lite';
import { createPostgresStorage } from '@pos/storage-postgres';
import { createSqliteStorage } from '@pos/storage-sqlite';
import express, { type Express } from 'express';
import type { Logger as PinoLogger } from 'pino';
import { apiKeyTenantResolver } from './api-keys.js';
import type { ServerConfig } from './config.js';
import { demoCheckoutLinks } from './demo/checkout-links.js';
import { demoConnectLinks } from './demo/connect-links.js';
import {
  DEMO_API_KEY,
  DEMO_SQUARE_LOCATION,
  DEMO_SQUARE_TOKEN,
  DEMO_SUPABASE_KEY,
  DEMO_TENANT,
  DEMO_WOOCOMMERCE_KEY,
  DEMO_WOOCOMMERCE_SECRET,
  SIMULATOR_PREFIX,
} from './demo/constants.js';
import { seedDemoData } from './demo/data-manager.js';
import { demoEncryptionKey } from './demo/encryption-key.js';
import { demoSimulators } from './demo/simulators.js';
import { demoWebhookSecret } from './demo/webhook-secret.js';
import { healthRoutes } from './health.js';
import { requestLogger } from './logging.js';
import { webComponentsBundleBuilt } from './web/assets.js';
import { checkoutReturnPage, checkoutReturnUrls } from './web/checkout-return-page.js';
import { webPages } from './web/settings-page.js';

export interface ReferenceServer {
  app: Express;
  integrations: Integrations;
  config: ServerConfig;
  /** Starts listening; resolves with the URL once the port is bound. */
  listen(): Promise<RunningServer>;
}

export interface ReferenceServerOptions {
  /** Logs one JSON line per request with this pino logger (`main.js` passes the server's own). */
  requestLog?: PinoLogger;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Each variant's router from its own entry point, loaded on demand: a lite or export server
 * never loads the connector, payment or upload routes.
 */
const ROUTERS: Record<
  Variant,
  () => Promise<{ integrationsRouter(integrations: Integrations, options: IntegrationsRouterOptions): express.Router }>
> = {
  lite: () => import('@pos/server-express/lite'),
  export: () => import('@pos/server-express/export'),
  full: () => import('@pos/server-express/full'),
};

/** PostgreSQL when `DATABASE_URL` is set (several instances may share it), else the SQLite file. */
function openStorage(config: ServerConfig): Promise<IntegrationStorage> {
  return config.databaseUrl
    ? createPostgresStorage({ connectionString: config.databaseUrl, maxConnections: config.databasePoolSize })
    : createSqliteStorage({ filename: config.dbPath });
}

/** `127.0.0.1:3000` of `http://127.0.0.1:3000`, the port written even when it is the default. */
function hostPort(origin: string): string {
  const url = new URL(origin);
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
}

/** Builds the reference POS server: its storage, the configured connectors and every route. */
export async function createReferenceServer(
  config: ServerConfig,
  logger: Logger,
  options: ReferenceServerOptions = {},
): Promise<ReferenceServer> {
  const demo = config.mode === 'demo';
  const encryptionKey = config.encryptionKey ?? (demo ? demoEncryptionKey(config.dataDir) : undefined);
  if (!encryptionKey) throw new Error('No encryption key configured.');
  const cipher = createKeyRing({
    keys: [encryptionKey, ...(config.previousEncryptionKeys?.split(',') ?? [])]
      .map((key) => key.trim())
      .filter(Boolean)
      .map((key) => ({ key })),
  });

  // In demo mode the simulated providers live on this server, whose URL is known once it listens.
  let ownUrl = `http://${config.host}:${config.port}`;
  const simulatorUrl = (name: string) => () => `${ownUrl}${SIMULATOR_PREFIX}/${name}`;
  const callbackUrl = (provider: string) => () => `${ownUrl}/api/integrations/${provider}/callback`;
  const returnUrls = checkoutReturnUrls(() => ownUrl);
  // Demo mode signs and verifies its simulated webhooks with a secret of its own (or the configured one).
  const webhookSecret = demo ? (config.oauthEnv.STRIPE_WEBHOOK_SECRET ?? demoWebhookSecret(config.dataDir)) : undefined;

  // Connector code is loaded only by the full variant.
  const connectors: Connector[] =
    config.variant === 'full'
      ? (await import('./full-connectors.js')).fullConnectors(config, logger, {
          simulatorUrl,
          callbackUrl,
          checkoutReturn: returnUrls,
          webhookSecret,
        })
      : [];
  const storage = await openStorage(config);
  // What the migrations that just ran did to stored data (duplicate SKUs merged, say).
  for (const note of (storage as { migrationNotes?: readonly string[] }).migrationNotes ?? []) logger.info(note);
  const integrations = createIntegrations({
    storage,
    cipher,
    connectors,
    variant: config.variant,
    logger,
    // Merchant URLs may reach private hosts only when listed; demo mode adds its own simulators.
    outbound: {
      allowedPrivateHosts: demo ? () => [...config.allowedPrivateHosts, hostPort(ownUrl)] : config.allowedPrivateHosts,
    },
    // A batch heartbeats at least three times per lease, so one late beat never fails it.
    batches: { leaseMs: config.batchLeaseMs, heartbeatMs: Math.min(1000, Math.floor(config.batchLeaseMs / 3)) },
    limits: config.limits,
    sync: config.syncPool,
    ...(config.events
      ? {
          events: {
            delivery: {
              url: config.events.url,
              secret: config.events.secret,
              retryBaseMs: config.events.retryBaseMs,
              timeoutMs: config.events.timeoutMs,
            },
          },
        }
      : {}),
  });
  // Batches a crashed run left processing are failed before serving (and later by a sweep, for
  // crashes of other instances sharing the database).
  await integrations.batches?.recover();
  if (demo && config.variant === 'full') await seedDemoData(integrations, logger);

  const apiKeys = demo ? [{ tenantId: DEMO_TENANT, key: DEMO_API_KEY }, ...config.apiKeys] : config.apiKeys;
  const app = express();
  app.disable('x-powered-by');
  if (options.requestLog) app.use(requestLogger(options.requestLog));
  app.use(healthRoutes({ config, storage, logger }));
  // The API first: its webhook route is the busiest, and every layer before it runs per request.
  // It answers only its own paths (`/api/…`); the pages and simulators below keep theirs.
  const { integrationsRouter } = await ROUTERS[config.variant]();
  app.use(
    integrationsRouter(integrations, {
      resolveTenant: apiKeyTenantResolver(apiKeys),
      oauthReturnUrl: config.oauthReturnUrl,
      dataManager: { maxUploadBytes: config.uploadMaxBytes },
      ...(config.corsOrigins.length > 0 ? { cors: { origins: config.corsOrigins } } : {}),
    }),
  );
  // The router marks its own answers; everything after it (pages, assets, simulators) too: no
  // response of this server is to be read as another type than it says.
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  if (demo && config.variant === 'full') {
    app.use(
      demoSimulators({
        callbackUrl,
        ...(webhookSecret
          ? {
              stripeWebhook: {
                url: () => `${ownUrl}/api/payments/webhooks/stripe`,
                secret: webhookSecret.split(',')[0]?.trim() as string,
              },
            }
          : {}),
      }),
    );
    app.use(demoConnectLinks(integrations, await import('@pos/server-express/full')));
    app.use(demoCheckoutLinks(integrations));
  }
  const security = { frameAncestors: config.frameAncestors };
  if (integrations.payments) {
    app.use(checkoutReturnPage({ integrations, security, ...(demo ? { demoTenant: DEMO_TENANT } : {}) }));
  }
  // Pages on the POS_CORS_ORIGINS may load the web components' bundles from here too (module
  // scripts and their chunks are fetched with CORS), as the README's embedding example does.
  if (config.corsOrigins.length > 0) app.use('/assets', corsHandler({ origins: config.corsOrigins }));
  if (!webComponentsBundleBuilt()) {
    logger.warn('The web components bundle is not built, so the pages at / cannot load it: run "npm run build".');
  }
  app.use(
    webPages({
      capabilities: integrations.capabilities(),
      security,
      // Demo mode only: the page carries the published demo key. Real mode asks for a key.
      ...(demo
        ? {
            demo: {
              apiKey: DEMO_API_KEY,
              squareToken: DEMO_SQUARE_TOKEN,
              squareLocation: DEMO_SQUARE_LOCATION,
              supabaseKey: DEMO_SUPABASE_KEY,
              supabaseProjectPath: `${SIMULATOR_PREFIX}/supabase`,
              wooCommerceKey: DEMO_WOOCOMMERCE_KEY,
              wooCommerceSecret: DEMO_WOOCOMMERCE_SECRET,
              wooCommerceStorePath: `${SIMULATOR_PREFIX}/woocommerce`,
            },
          }
        : {}),
      ...(config.oauthReturnUrl.startsWith('/')
        ? { oauthReturnPath: new URL(config.oauthReturnUrl, 'http://x').pathname }
        : {}),
    }),
  );

  return {
    app,
    integrations,
    config,
    listen() {
      return new Promise((resolve, reject) => {
        const server: Server = app.listen(config.port, config.host);
        // Idle keep-alive connections stay open a minute, not Node's 5 s: when the server was
        // busy past a connection's timer (an import's final merge holds the main thread for
        // seconds), Node closed it with the request that had just arrived on it unread, and the
        // sender saw a reset (bench:webhooks-during-import).
        server.keepAliveTimeout = 65_000;
        server.headersTimeout = 66_000;
        server.once('error', reject);
        server.once('listening', () => {
          const { port } = server.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          ownUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
          if (config.syncIntervalMs > 0) integrations.sync.start({ intervalMs: config.syncIntervalMs });
          // Sales and refunds waiting for the books go on the same schedule.
          if (config.syncIntervalMs > 0) integrations.accounting?.start({ intervalMs: config.syncIntervalMs });
          if (config.events) integrations.events.delivery?.start(config.events.intervalMs);
          resolve({
            url: ownUrl,
            close: async () => {
              await new Promise<void>((done) => {
                server.close(() => done());
                server.closeAllConnections();
              });
              await integrations.close();
            },
          });
        });
      });
    },
  };
}
