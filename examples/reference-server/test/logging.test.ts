/**
 * What an operator reads: the reference server's JSON lines (pino) carry a request
 * id, the tenant, the route, the status and the duration, and never a secret; `LOG_LEVEL` picks
 * the level; `GET /readyz` answers 503 while the database does not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createReferenceServer,
  DEMO_API_KEY,
  DEMO_SQUARE_LOCATION,
  DEMO_SQUARE_TOKEN,
  DEMO_SUPABASE_KEY,
  DEMO_WOOCOMMERCE_KEY,
  DEMO_WOOCOMMERCE_SECRET,
  type ReferenceServer,
  type RunningServer,
  readConfig,
  SIMULATOR_PREFIX,
  serverLogger,
} from '../src/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-logging-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A demo server logging at `level` into `lines`, as `main.js` does onto stdout. */
async function start(level = 'info') {
  const lines: string[] = [];
  const config = readConfig(
    { PORT: '0', POS_DB_PATH: join(mkdtempSync(join(dir, 'demo-')), 'pos.db'), LOG_LEVEL: level },
    'demo',
  );
  const logger = serverLogger(config.logLevel, { write: (line: string) => void lines.push(line) });
  const server = await createReferenceServer(config, logger, { requestLog: logger });
  const running = await server.listen();
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { server, running, lines, entries };
}

describe('JSON logs', () => {
  let server: ReferenceServer;
  let running: RunningServer;
  let lines: string[];
  let entries: () => Array<Record<string, unknown>>;
  beforeAll(async () => {
    ({ server, running, lines, entries } = await start('debug'));
  });
  afterAll(() => running.close());

  it('write one line per request with its id, tenant, route, status and duration', async () => {
    const api = apiClient(running.url, { token: DEMO_API_KEY });
    const answer = await api('GET', '/api/integrations/square/status', {
      headers: { 'x-request-id': 'req-test-0001' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).toBe('req-test-0001');
    const line = entries().find((entry) => (entry.req as { id?: string } | undefined)?.id === 'req-test-0001');
    expect(line).toMatchObject({
      level: 30,
      tenant: 'demo',
      route: '/api/integrations/square/status',
      req: { method: 'GET', path: '/api/integrations/square/status' },
      res: { status: 200 },
      msg: 'GET /api/integrations/square/status 200',
    });
    expect(line?.duration_ms).toEqual(expect.any(Number));

    const refused = await apiClient(running.url)('GET', '/api/integrations/square/status');
    expect(refused.status).toBe(401);
    const id = refused.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const warned = entries().find((entry) => (entry.req as { id?: string } | undefined)?.id === id);
    expect(warned).toMatchObject({ level: 40, res: { status: 401 } });
    expect(warned).not.toHaveProperty('tenant');
  });

  it("carry no API key, cookie, credential or OAuth code, whatever requests and the SDK's own entries held", async () => {
    const cookie = 'session=cookie-value-that-must-not-be-logged-0001';
    const api = apiClient(running.url, { token: DEMO_API_KEY });
    const headers = { cookie };
    const wrongToken = 'EAAAwrongTokenThatMustNotBeLogged000000001';
    await api('POST', '/api/integrations/square/credentials', {
      headers,
      body: { access_token: wrongToken, location_id: DEMO_SQUARE_LOCATION },
    });
    expect(
      (
        await api('POST', '/api/integrations/square/credentials', {
          headers,
          body: { access_token: DEMO_SQUARE_TOKEN, location_id: DEMO_SQUARE_LOCATION },
        })
      ).status,
    ).toBe(200);
    await api('GET', '/api/integrations/square/summary', { headers });
    await api('POST', '/api/integrations/square/test', { headers });
    expect(
      (
        await api('POST', '/api/integrations/supabase/credentials', {
          headers,
          body: { project_url: `${running.url}${SIMULATOR_PREFIX}/supabase`, service_key: DEMO_SUPABASE_KEY },
        })
      ).status,
    ).toBe(200);
    // The simulated store is on this server too: its requests carry the key as HTTP Basic.
    const store_url = `${running.url}${SIMULATOR_PREFIX}/woocommerce`;
    const wrongSecret = 'cs_wrongSecretThatMustNotBeLogged0001';
    await api('POST', '/api/integrations/woocommerce/credentials', {
      headers,
      body: { store_url, consumer_key: DEMO_WOOCOMMERCE_KEY, consumer_secret: wrongSecret },
    });
    expect(
      (
        await api('POST', '/api/integrations/woocommerce/credentials', {
          headers,
          body: { store_url, consumer_key: DEMO_WOOCOMMERCE_KEY, consumer_secret: DEMO_WOOCOMMERCE_SECRET },
        })
      ).status,
    ).toBe(200);
    const basic = Buffer.from(`${DEMO_WOOCOMMERCE_KEY}:${DEMO_WOOCOMMERCE_SECRET}`).toString('base64');
    const code = 'ac_oauth_code_that_must_not_be_logged_0001';
    await api('GET', `/api/integrations/stripe/callback?code=${code}&state=state-that-must-not-be-logged-0001`, {
      headers,
    });
    await api('DELETE', '/api/integrations/square/disconnect', { headers });

    const text = lines.join('\n');
    expect(entries().length).toBeGreaterThan(8);
    expect(text).toContain('"tenant":"demo"');
    for (const secret of [
      DEMO_API_KEY,
      'cookie-value-that-must-not-be-logged',
      wrongToken,
      DEMO_SQUARE_TOKEN,
      DEMO_SUPABASE_KEY,
      DEMO_WOOCOMMERCE_KEY,
      DEMO_WOOCOMMERCE_SECRET,
      wrongSecret,
      basic,
      code,
      'state-that-must-not-be-logged',
    ]) {
      expect(text, `a log line holds ${secret}`).not.toContain(secret);
    }
  });

  it('write a warning for a request whose connection closed before it was answered', async () => {
    // A body announced but never sent: the server is still reading it when the caller goes.
    const { port } = new URL(running.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /api/integrations/square/credentials HTTP/1.1\r\nHost: x\r\nX-Request-Id: req-test-closed\r\n' +
        `Authorization: Bearer ${DEMO_API_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"acc`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await expect
      .poll(() => entries().find((entry) => (entry.req as { id?: string } | undefined)?.id === 'req-test-closed'))
      .toMatchObject({
        level: 40,
        req: { method: 'POST', path: '/api/integrations/square/credentials' },
        msg: 'POST /api/integrations/square/credentials closed before it was answered',
      });
  });

  it('redact secret-named fields wherever an entry carries them', () => {
    server.integrations.logger.warn(
      { headers: { authorization: `Bearer ${DEMO_API_KEY}`, cookie: 'a=b' }, details: { access_token: 'tok-9' } },
      'a host entry',
    );
    const entry = entries().find((line) => line.msg === 'a host entry');
    expect(entry).toMatchObject({
      headers: { authorization: '[redacted]', cookie: '[redacted]' },
      details: { access_token: '[redacted]' },
    });
  });
});

describe('LOG_LEVEL', () => {
  it('drops entries below the level, and refuses a level pino does not know', async () => {
    const { running, lines } = await start('warn');
    try {
      await apiClient(running.url, { token: DEMO_API_KEY })('GET', '/api/capabilities');
      await apiClient(running.url)('GET', '/api/integrations');
      const levels = lines.map((line) => (JSON.parse(line) as { level: number }).level);
      expect(levels.length).toBeGreaterThan(0);
      expect(levels.every((level) => level >= 40)).toBe(true);
    } finally {
      await running.close();
    }
    expect(() => readConfig({ LOG_LEVEL: 'verbose' }, 'demo')).toThrow(ConfigError);
    expect(readConfig({}, 'demo').logLevel).toBe('info');
  });
});

describe('GET /readyz', () => {
  it('answers 200 while the database answers and 503 once it does not; /healthz stays 200', async () => {
    const { server, running, entries } = await start();
    try {
      const ready = await fetch(`${running.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
      await server.integrations.storage.close();
      const down = await fetch(`${running.url}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 'unavailable', checks: { database: 'unavailable' } });
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      expect(entries().some((entry) => entry.msg === 'Not ready: the database does not answer')).toBe(true);
    } finally {
      await running.close().catch(() => undefined);
    }
  });
});
