import { fileURLToPath } from 'node:url';
import {
  type ApiRequest,
  apiClient,
  type NodeProcess,
  spawnNode,
  startWorker,
  TEST_KEY_A,
  type Worker,
} from '@pos/test-support';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const INTEGRATIONS_WORKER = fileURLToPath(new URL('./integrations-worker.ts', import.meta.url));

/** The tenant and API key every instance accepts. */
export const INSTANCE_TENANT = 'store-1';
export const INSTANCE_API_KEY = 'store-1-key-0123456789abcdef';
/** A second tenant on the same servers, for guarantees between tenants. */
export const OTHER_TENANT = 'store-2';
export const OTHER_API_KEY = 'store-2-key-0123456789abcdef';

export interface InstancesOptions {
  /** The database every instance shares: `cluster.freshDatabase()`. */
  databaseUrl: string;
  /** How many instances (default 2). */
  count?: number;
  /** Environment for every instance, on top of the defaults: provider base URLs, POS_VARIANT, … */
  env?: Record<string, string>;
  /** Environment for one instance only. */
  envFor?: (index: number) => Record<string, string>;
}

export interface ReferenceInstance {
  index: number;
  url: string;
  /** An API client authenticated as {@link INSTANCE_TENANT}. */
  api: ApiRequest;
  process: NodeProcess;
}

export interface ReferenceInstances {
  instances: ReferenceInstance[];
  /** Stops every instance with SIGTERM; resolves with their exit codes. */
  stop(): Promise<Array<number | null>>;
}

/** The environment of one instance: real mode, one shared encryption key and API key, one database. */
function instanceEnv(options: InstancesOptions, index: number): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    POS_ENCRYPTION_KEY: TEST_KEY_A,
    POS_API_KEYS: `${INSTANCE_TENANT}:${INSTANCE_API_KEY},${OTHER_TENANT}:${OTHER_API_KEY}`,
    DATABASE_URL: options.databaseUrl,
    POS_DB_POOL_SIZE: '4',
    ...options.env,
    ...options.envFor?.(index),
  };
}

async function settleAll<T>(starts: Array<Promise<T>>, stopAll: () => Promise<unknown>): Promise<T[]> {
  const results = await Promise.allSettled(starts);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}

/**
 * Starts `count` reference-server processes (the built `dist/main.js`, as `npm start` runs it)
 * on one database, all at the same moment, and resolves once every one is listening. Each
 * process has its own connection pool; provider simulators must be real HTTP servers in the
 * test process (msw does not reach into children), passed as base URLs in `env`.
 */
/** The JSON line a real-mode server logs once it listens, with its URL. */
export const LISTENING_LINE = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"POS Integrations reference server listening"/;

export async function startReferenceServers(options: InstancesOptions): Promise<ReferenceInstances> {
  const count = options.count ?? 2;
  const processes = Array.from({ length: count }, (_, index) => spawnNode(MAIN, { env: instanceEnv(options, index) }));
  const stop = () => Promise.all(processes.map((child) => child.stop()));
  const instances = await settleAll(
    processes.map(async (child, index) => {
      const [, url] = await child.waitForOutput(LISTENING_LINE, 20_000);
      return { index, url: url as string, api: apiClient(url as string, { token: INSTANCE_API_KEY }), process: child };
    }),
    stop,
  );
  return { instances, stop };
}

/**
 * Starts `count` processes that wire the reference server exactly as `main.js` does but serve
 * its core services over IPC instead of HTTP: for cross-process guarantees no route reaches yet
 * (see `integrations-worker.ts` for the methods).
 */
export async function startIntegrationsWorkers(options: InstancesOptions): Promise<Worker[]> {
  const count = options.count ?? 2;
  const starts = Array.from({ length: count }, (_, index) =>
    startWorker(INTEGRATIONS_WORKER, { env: instanceEnv(options, index) }),
  );
  return settleAll(starts, async () => {
    for (const start of starts) await start.then((worker) => worker.stop()).catch(() => undefined);
  });
}
