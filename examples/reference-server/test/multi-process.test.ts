import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialVault, createKeyRing, systemClock } from '@pos/integrations-core';
import { createSqliteStorage } from '@pos/storage-sqlite';
import { apiClient, type Listening, listen } from '@pos/test-support';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloverSimulator } from '../src/demo/clover-simulator.js';
import { DEMO_CLOVER_APP_ID, DEMO_CLOVER_APP_SECRET } from '../src/index.js';

const main = new URL('../dist/main.js', import.meta.url).pathname;
const KEY = Buffer.alloc(32, 5).toString('base64');
const API_KEY = 'store-1-key-0123456789abcdef';
const REDIRECT_URI = 'http://pos.test/api/integrations/clover/callback';

let dir: string;
let clover: ReturnType<typeof cloverSimulator>;
let cloverServer: Listening;
const children: ChildProcess[] = [];

/** One reference-server process in real mode; resolves with its URL once it listens. */
function startProcess(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [main], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL logged:\n${output}`)), 15_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      const match = /listening \{"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}

beforeAll(async () => {
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm test does).`);
  dir = mkdtempSync(join(tmpdir(), 'pos-two-processes-'));
  clover = cloverSimulator({ redirectUri: () => REDIRECT_URI });
  const app = express();
  // Slow refreshes down, so calls from both processes really overlap.
  app.use('/oauth/v2/refresh', (_req, _res, next) => {
    setTimeout(next, 150);
  });
  app.use(clover.router);
  cloverServer = await listen(app);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((child) => (child.exitCode === null ? new Promise((done) => child.once('exit', done)) : undefined)),
  );
  await cloverServer?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('two reference-server processes on one database', () => {
  it('refresh an expired Clover token exactly once for 20 concurrent calls, and keep the rotated token', async () => {
    const dbPath = join(dir, 'shared.db');
    const env = {
      POS_ENCRYPTION_KEY: KEY,
      POS_API_KEYS: `store-1:${API_KEY}`,
      POS_DB_PATH: dbPath,
      CLOVER_APP_ID: DEMO_CLOVER_APP_ID,
      CLOVER_APP_SECRET: DEMO_CLOVER_APP_SECRET,
      CLOVER_REDIRECT_URI: REDIRECT_URI,
      CLOVER_API_BASE: cloverServer.url,
      CLOVER_OAUTH_BASE: cloverServer.url,
    };
    const first = await startProcess(env);
    const second = await startProcess(env);
    const apis = [apiClient(first, { token: API_KEY }), apiClient(second, { token: API_KEY })] as const;

    // Connect through the first process; the redirect may land on either, the state is shared.
    const started = await apis[0]('POST', '/api/integrations/clover/auth-url');
    const page = await (await fetch(started.body.auth_url as string)).text();
    const redirectUri = /name="redirect_uri" value="([^"]+)"/.exec(page)?.[1]?.replace(/&#38;/g, '&') as string;
    const decided = await fetch(`${cloverServer.url}/oauth/v2/authorize/decision`, {
      method: 'POST',
      body: new URLSearchParams({ redirect_uri: redirectUri, decision: 'approve' }),
      redirect: 'manual',
    });
    const callback = new URL(decided.headers.get('location') as string);
    const landed = await fetch(`${second}${callback.pathname}${callback.search}`, { redirect: 'manual' });
    expect(landed.headers.get('location')).toContain('status=connected');
    const original = clover.latestRefreshToken();

    clover.revokeAccessTokens(); // every call now meets a 401 and asks for one refresh
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? apis[0] : apis[1])('GET', '/api/integrations/clover/summary'),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(clover.counts.refresh).toBe(1);

    const storage = await createSqliteStorage({ filename: dbPath, migrate: false });
    try {
      const vault = new CredentialVault(storage, createKeyRing({ keys: [{ key: KEY }] }), systemClock);
      const stored = await vault.get('store-1', 'clover');
      expect(stored?.secret.refresh_token).toBe(clover.latestRefreshToken());
      expect(stored?.secret.refresh_token).not.toBe(original);
    } finally {
      await storage.close();
    }

    // The stored pair is the live one: the next renewal, from the other process, works too.
    clover.revokeAccessTokens();
    expect((await apis[1]('POST', '/api/integrations/clover/test')).body).toMatchObject({ success: true });
    expect(clover.counts.refresh).toBe(2);
  });
});
