import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyRing, type IntegrationStorage, systemClock } from '@pos/integrations-core';
import { nodeListener } from '@pos/simulators';
import { createPostgresStorage } from '@pos/storage-postgres';
import { createSqliteStorage } from '@pos/storage-sqlite';
import {
  type ApiRequest,
  apiClient,
  cookiesOf,
  type Listening,
  listen,
  type NodeProcess,
  type PostgresCluster,
  spawnNode,
  startPostgresCluster,
  TEST_KEY_A,
} from '@pos/test-support';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialVault } from '../../../packages/core/src/vault.js';
import { demoClover } from '../src/demo/simulators.js';
import { DEMO_CLOVER_APP_ID, DEMO_CLOVER_APP_SECRET } from '../src/index.js';
import { INSTANCE_API_KEY, INSTANCE_TENANT, LISTENING_LINE, startReferenceServers } from './support/instances.js';

const main = new URL('../dist/main.js', import.meta.url).pathname;
const REDIRECT_URI = 'http://pos.test/api/integrations/clover/callback';

let dir: string;
let cluster: PostgresCluster;
let clover: ReturnType<typeof demoClover>;
let cloverServer: Listening;

beforeAll(async () => {
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm test does).`);
  dir = mkdtempSync(join(tmpdir(), 'pos-two-processes-'));
  cluster = await startPostgresCluster();
  // The processes are out of msw's reach: Clover is simulated over real HTTP, its refreshes slowed
  // down so calls from both processes really overlap.
  clover = demoClover({ redirectUri: () => REDIRECT_URI });
  const app = express();
  app.use('/oauth/v2/refresh', (_req, _res, next) => {
    setTimeout(next, 150);
  });
  app.use(nodeListener(clover.simulator));
  cloverServer = await listen(app);
});

afterAll(async () => {
  await cloverServer?.close();
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cloverEnv = () => ({
  CLOVER_APP_ID: DEMO_CLOVER_APP_ID,
  CLOVER_APP_SECRET: DEMO_CLOVER_APP_SECRET,
  CLOVER_REDIRECT_URI: REDIRECT_URI,
  CLOVER_API_BASE: cloverServer.url,
  CLOVER_OAUTH_BASE: cloverServer.url,
});

interface TwoServers {
  apis: [ApiRequest, ApiRequest];
  urls: [string, string];
  openStorage(): Promise<IntegrationStorage>;
  stop(): Promise<unknown>;
}

/** Two processes on one SQLite file, started one after the other (SQLite has no migration lock). */
async function onSqliteFile(): Promise<TwoServers> {
  const dbPath = join(dir, 'shared.db');
  const env = {
    PORT: '0',
    POS_ENCRYPTION_KEY: TEST_KEY_A,
    POS_API_KEYS: `${INSTANCE_TENANT}:${INSTANCE_API_KEY}`,
    POS_DB_PATH: dbPath,
    ...cloverEnv(),
  };
  const processes: NodeProcess[] = [];
  const urls: string[] = [];
  for (let index = 0; index < 2; index += 1) {
    const child = spawnNode(main, { env, cwd: dir });
    processes.push(child);
    const [, url] = await child.waitForOutput(LISTENING_LINE, 20_000);
    urls.push(url as string);
  }
  return {
    urls: urls as [string, string],
    apis: urls.map((url) => apiClient(url, { token: INSTANCE_API_KEY })) as [ApiRequest, ApiRequest],
    openStorage: () => createSqliteStorage({ filename: dbPath, migrate: false }),
    stop: () => Promise.all(processes.map((child) => child.stop())),
  };
}

/** Two processes on one PostgreSQL database, started together. */
async function onPostgres(): Promise<TwoServers> {
  const databaseUrl = cluster.freshDatabase();
  const servers = await startReferenceServers({ databaseUrl, env: cloverEnv() });
  const [a, b] = servers.instances;
  if (!a || !b) throw new Error('two instances expected');
  return {
    urls: [a.url, b.url],
    apis: [a.api, b.api],
    openStorage: () => createPostgresStorage({ connectionString: databaseUrl, migrate: false }),
    stop: servers.stop,
  };
}

describe.each([
  ['one SQLite file', onSqliteFile],
  ['one PostgreSQL database', onPostgres],
])('two reference-server processes on %s', (_, start) => {
  it('refresh an expired Clover token exactly once for 20 concurrent calls, and keep the rotated token', async () => {
    const servers = await start();
    try {
      const [first, second] = servers.apis;
      // Connect through the first process; the redirect lands on the second: the state is shared.
      const started = await first('POST', '/api/integrations/clover/auth-url');
      const page = await (await fetch(started.body.auth_url as string)).text();
      const redirectUri = /name="redirect_uri" value="([^"]+)"/.exec(page)?.[1]?.replace(/&#38;/g, '&') as string;
      const decided = await fetch(`${cloverServer.url}/oauth/v2/authorize/decision`, {
        method: 'POST',
        body: new URLSearchParams({ redirect_uri: redirectUri, decision: 'approve' }),
        redirect: 'manual',
      });
      const callback = new URL(decided.headers.get('location') as string);
      const landed = await fetch(`${servers.urls[1]}${callback.pathname}${callback.search}`, {
        redirect: 'manual',
        headers: { cookie: cookiesOf(started) },
      });
      expect(landed.headers.get('location')).toContain('status=connected');
      const original = clover.latestRefreshToken();
      const refreshesBefore = clover.calls.refresh;

      clover.revokeAccessTokens(); // every call now meets a 401 and asks for one renewal
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          (index % 2 === 0 ? first : second)('GET', '/api/integrations/clover/summary'),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
      expect(clover.calls.refresh - refreshesBefore).toBe(1);

      const storage = await servers.openStorage();
      try {
        const vault = new CredentialVault(storage, createKeyRing({ keys: [{ key: TEST_KEY_A }] }), systemClock);
        const stored = await vault.get(INSTANCE_TENANT, 'clover');
        expect(stored?.secret.refresh_token).toBe(clover.latestRefreshToken());
        expect(stored?.secret.refresh_token).not.toBe(original);
      } finally {
        await storage.close();
      }

      // The stored pair is the live one: the next renewal, from the other process, works with it.
      clover.revokeAccessTokens();
      expect((await second('POST', '/api/integrations/clover/test')).body).toMatchObject({ success: true });
      expect(clover.calls.refresh - refreshesBefore).toBe(2);
    } finally {
      await servers.stop();
    }
  });
});
