import { clover } from '@pos/connector-clover';
import type { TokenRefreshOptions } from '@pos/integrations-core';
import {
  CLOVER_API,
  CLOVER_APP_ID,
  CLOVER_APP_SECRET,
  CLOVER_REDIRECT_URI,
  type CloverSimulation,
  cloverSimulation,
  cookiesOf,
  ManualClock,
  useProviderMock,
} from '@pos/test-support';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

const mock = useProviderMock();
const MINUTE = 60_000;
const connector = () =>
  clover({
    appId: CLOVER_APP_ID,
    appSecret: CLOVER_APP_SECRET,
    redirectUri: CLOVER_REDIRECT_URI,
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  });

let clock: ManualClock;
let sim: CloverSimulation;
const servers: TestServer[] = [];

/** A server with a tenant connected through the OAuth round trip; the access token lives one hour. */
async function connected(
  options: { tokenRefresh?: TokenRefreshOptions; refreshDelayMs?: number } = {},
): Promise<TestServer> {
  clock = new ManualClock('2026-03-01T12:00:00.000Z');
  sim = cloverSimulation({ clock, ...(options.refreshDelayMs ? { refreshDelayMs: options.refreshDelayMs } : {}) });
  mock.use(...sim.handlers);
  const server = await startTestServer({
    connectors: [connector()],
    clock,
    ...(options.tokenRefresh ? { tokenRefresh: options.tokenRefresh } : {}),
  });
  servers.push(server);
  await reconnect(server);
  return server;
}

async function reconnect(server: TestServer) {
  const started = await server.as('tenant-a')('POST', '/api/integrations/clover/auth-url');
  const back = sim.approve(started.body.auth_url as string);
  const callback = await server.anonymous('GET', `/api/integrations/clover/callback${back.search}`, {
    headers: { cookie: cookiesOf(started) },
  });
  expect(callback.headers.get('location')).toContain('status=connected');
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const storedSecret = async (server: TestServer) => (await server.integrations.vault.get('tenant-a', 'clover'))?.secret;
const events = async (server: TestServer) => {
  const logs = await server.as('tenant-a')('GET', '/api/integrations/clover/logs');
  return (logs.body.logs as Array<{ event: string; level: string; details: Record<string, unknown> | null }>).map(
    (row) => `${row.level} ${row.event}${row.details?.reason ? ` (${row.details.reason})` : ''}`,
  );
};

describe('Clover token refresh', () => {
  it('renews five minutes ahead of expiry by default, not earlier', async () => {
    const server = await connected();
    const api = server.as('tenant-a');
    clock.advance(54 * MINUTE);
    expect((await api('GET', '/api/integrations/clover/summary')).status).toBe(200);
    expect(sim.calls.refresh).toBe(0);

    clock.advance(2 * MINUTE); // four minutes left
    expect((await api('GET', '/api/integrations/clover/summary')).status).toBe(200);
    expect(sim.calls.refresh).toBe(1);
    expect(await storedSecret(server)).toEqual(sim.issued[1]);
    expect((await api('GET', '/api/integrations/clover/status')).body).toMatchObject({
      access_token_expires_at: '2026-03-01T13:56:00.000Z',
      status: 'connected',
    });
    expect(await events(server)).toEqual(['info token_refreshed (expiring)', 'info connected']);
  });

  it('takes the margin from the options', async () => {
    const server = await connected({ tokenRefresh: { marginMs: 15 * MINUTE } });
    clock.advance(46 * MINUTE);
    expect((await server.as('tenant-a')('POST', '/api/integrations/clover/test')).body).toMatchObject({
      success: true,
    });
    expect(sim.calls.refresh).toBe(1);
  });

  it('refreshes once after a 401 and repeats the call with the new token', async () => {
    const server = await connected();
    sim.revokeAccessTokens(); // still valid by our clock, refused by Clover
    const summary = await server.as('tenant-a')('GET', '/api/integrations/clover/summary');
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ merchant_name: "Joe's Coffee" });
    expect(sim.calls.refresh).toBe(1);
    expect(await events(server)).toEqual(['info token_refreshed (rejected)', 'info connected']);
  });

  it('does not refresh again when the new token is refused too', async () => {
    const server = await connected();
    mock.use(http.get(`${CLOVER_API}/v3/merchants/:id`, () => HttpResponse.json({}, { status: 401 })));
    const summary = await server.as('tenant-a')('GET', '/api/integrations/clover/summary');
    expect(summary.status).toBe(409);
    expect(summary.body).toMatchObject({ error_code: 'CLOVER_TOKEN_EXPIRED' });
    expect(sim.calls.refresh).toBe(1);
  });

  it('makes exactly one refresh request for 20 concurrent calls across two servers, and keeps the rotated token', async () => {
    const first = await connected({ refreshDelayMs: 60 });
    const second = await startTestServer({ connectors: [connector()], clock, sharing: first });
    servers.push(second);
    const original = await storedSecret(first);
    clock.advance(2 * 60 * MINUTE); // long expired

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? first : second).as('tenant-a')('GET', '/api/integrations/clover/summary'),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(sim.calls.refresh).toBe(1);
    const rotated = sim.issued.at(-1);
    expect(rotated?.refresh_token).not.toBe(original?.refresh_token);
    expect(await storedSecret(first)).toEqual(rotated);
    expect(await storedSecret(second)).toEqual(rotated);
    expect(await events(first)).toEqual(['info token_refreshed (expiring)', 'info connected']);
  });

  it('marks a refused refresh as needing a reconnect, logs it, and does not try again', async () => {
    const server = await connected();
    const api = server.as('tenant-a');
    sim.revokeRefreshTokens();
    clock.advance(61 * MINUTE);

    const summary = await api('GET', '/api/integrations/clover/summary');
    expect(summary.status).toBe(409);
    expect(summary.body).toMatchObject({ success: false, error_code: 'CLOVER_TOKEN_EXPIRED' });
    expect((await api('GET', '/api/integrations/clover/status')).body).toMatchObject({
      connected: true,
      status: 'error',
      needs_reconnect: true,
      last_error_code: 'CLOVER_TOKEN_EXPIRED',
    });
    expect(await events(server)).toEqual([
      'error summary_failed',
      'error token_refresh_failed (expiring)',
      'info connected',
    ]);

    // Every later call fails fast: the dead refresh token is not sent again.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await api('POST', '/api/integrations/clover/test')).body).toMatchObject({
        success: false,
        error_code: 'CLOVER_TOKEN_EXPIRED',
      });
    }
    expect(sim.calls.refresh).toBe(1);

    // Connecting again clears it.
    await reconnect(server);
    expect((await api('GET', '/api/integrations/clover/status')).body).toMatchObject({
      status: 'connected',
      needs_reconnect: false,
      last_error_code: null,
    });
    expect((await api('GET', '/api/integrations/clover/summary')).status).toBe(200);
  });

  it('keeps using a token that has not expired yet when an early refresh fails', async () => {
    const server = await connected();
    mock.use(http.post(`${CLOVER_API}/oauth/v2/refresh`, () => HttpResponse.json({}, { status: 503 })));
    clock.advance(57 * MINUTE);
    const summary = await server.as('tenant-a')('GET', '/api/integrations/clover/summary');
    expect(summary.status).toBe(200);
    expect((await server.as('tenant-a')('GET', '/api/integrations/clover/status')).body).toMatchObject({
      status: 'connected',
      needs_reconnect: false,
    });
    expect(await events(server)).toEqual(['warning token_refresh_failed (expiring)', 'info connected']);
  });

  it('reports an outage during a needed refresh without asking for a reconnect', async () => {
    const server = await connected();
    mock.use(http.post(`${CLOVER_API}/oauth/v2/refresh`, () => HttpResponse.json({}, { status: 503 })));
    clock.advance(61 * MINUTE);
    const summary = await server.as('tenant-a')('GET', '/api/integrations/clover/summary');
    expect(summary.status).toBe(502);
    expect(summary.body).toMatchObject({ error_code: 'PROVIDER_UNAVAILABLE' });
    expect((await server.as('tenant-a')('GET', '/api/integrations/clover/status')).body).toMatchObject({
      needs_reconnect: false,
    });
  });

  it('lets a disconnect made during a refresh win', async () => {
    const server = await connected({ refreshDelayMs: 80 });
    clock.advance(61 * MINUTE);
    const api = server.as('tenant-a');
    const summary = api('GET', '/api/integrations/clover/summary');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await api('DELETE', '/api/integrations/clover/disconnect')).body).toMatchObject({ success: true });
    expect((await summary).body).toMatchObject({ error_code: 'NOT_CONNECTED' });
    expect(sim.calls.refresh).toBe(1);
    expect(await server.integrations.vault.get('tenant-a', 'clover')).toBeUndefined();
  });
});
