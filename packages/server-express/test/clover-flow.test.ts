import { clover } from '@pos/connector-clover';
import { oauthFlowCookie } from '@pos/server-express';
import {
  CLOVER_APP_ID,
  CLOVER_APP_SECRET,
  CLOVER_MERCHANT_ID,
  CLOVER_REDIRECT_URI,
  type CloverSimulation,
  cloverSimulation,
  cookiesOf,
  ManualClock,
  useProviderMock,
} from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshot, startTestServer, type TestServer } from './harness.js';

const mock = useProviderMock();
const clock = new ManualClock();
const connector = () =>
  clover({
    appId: CLOVER_APP_ID,
    appSecret: CLOVER_APP_SECRET,
    redirectUri: CLOVER_REDIRECT_URI,
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  });

let sim: CloverSimulation;
let server: TestServer;
function simulate(options: Parameters<typeof cloverSimulation>[0] = {}) {
  sim = cloverSimulation({ clock, ...options });
  mock.use(...sim.handlers);
}
beforeEach(async () => {
  clock.set('2026-03-01T12:00:00.000Z');
  simulate();
  server = await startTestServer({ connectors: [connector()], clock });
});
afterEach(() => server.close());

async function authorize(tenantId = 'tenant-a') {
  const started = await server.as(tenantId)('POST', '/api/integrations/clover/auth-url');
  expect(started.status).toBe(200);
  return { started, back: sim.approve(started.body.auth_url as string), cookie: cookiesOf(started) };
}

/** The browser lands on our callback, sending back the cookie its auth URL came with. */
function land(back: URL, cookie: string) {
  return server.anonymous('GET', `/api/integrations/clover/callback${back.search}`, { headers: { cookie } });
}

function redirectParams(response: { status: number; headers: Headers }) {
  expect(response.status).toBe(302);
  return Object.fromEntries(new URL(response.headers.get('location') as string, 'http://pos.test').searchParams);
}

describe('Clover OAuth over HTTP (seed integration test 3)', () => {
  it('auth URL → callback → status → summary → disconnect: what Clover sends and keeps', async () => {
    const api = server.as('tenant-a');
    const { started, back, cookie } = await authorize();

    const authUrl = new URL(started.body.auth_url as string);
    expect(`${authUrl.origin}${authUrl.pathname}`).toBe('https://www.clover.com/oauth/v2/authorize');
    expect(authUrl.searchParams.get('client_id')).toBe(CLOVER_APP_ID);
    // v2 may not echo `state`, so it also rides in the redirect URI's own query string.
    const redirectUri = new URL(authUrl.searchParams.get('redirect_uri') as string);
    expect(`${redirectUri.origin}${redirectUri.pathname}`).toBe(CLOVER_REDIRECT_URI);
    expect(redirectUri.searchParams.get('state')).toBe(started.body.state);
    expect(back.searchParams.getAll('state')).toEqual([started.body.state]);
    expect(back.searchParams.get('merchant_id')).toBe(CLOVER_MERCHANT_ID);

    const callback = await land(back, cookie);
    expect(redirectParams(callback)).toEqual({ provider: 'clover', status: 'connected' });
    expect(sim.calls.token).toBe(1);

    const status = await api('GET', '/api/integrations/clover/status');
    expect(status.body).toMatchObject({
      provider: 'clover',
      connected: true,
      status: 'connected',
      needs_reconnect: false,
      merchant_id: CLOVER_MERCHANT_ID,
      merchant_name: "Joe's Coffee",
      region: 'na',
      access_token_expires_at: '2026-03-01T13:00:00.000Z',
    });
    const stored = await server.integrations.vault.get('tenant-a', 'clover');
    expect(stored?.secret).toEqual(sim.issued[0]);
    expect(stored?.expiresAt).toBe('2026-03-01T13:00:00.000Z');

    const summary = await api('GET', '/api/integrations/clover/summary');
    expect(summary.status).toBe(200);
    expect(summary.body).toEqual({
      merchant_name: "Joe's Coffee",
      address: '1 Main St, Springfield, IL 62701, US',
      merchant_id: CLOVER_MERCHANT_ID,
    });

    const tested = await api('POST', '/api/integrations/clover/test');
    expect(tested.body).toMatchObject({
      success: true,
      message: 'Clover answered: merchant "Joe\'s Coffee" is reachable.',
    });

    const disconnected = await api('DELETE', '/api/integrations/clover/disconnect');
    expect(disconnected.body).toEqual({ success: true, message: 'Clover disconnected.' });
    expect(await server.integrations.vault.get('tenant-a', 'clover')).toBeUndefined();
  });

  it('accepts a state Clover echoes as well as the one in the redirect URI', async () => {
    simulate({ echoState: true });
    const { started, back, cookie } = await authorize();
    expect(back.searchParams.getAll('state')).toEqual([started.body.state, started.body.state]);
    const callback = await land(back, cookie);
    expect(redirectParams(callback)).toEqual({ provider: 'clover', status: 'connected' });
  });

  it('refuses two different states in one redirect', async () => {
    const { back, cookie } = await authorize();
    const other = await server.as('tenant-a')('POST', '/api/integrations/clover/auth-url');
    back.searchParams.append('state', other.body.state as string);
    const callback = await land(back, cookie);
    expect(redirectParams(callback)).toMatchObject({ status: 'error', error_code: 'CLOVER_STATE_INVALID' });
    expect(sim.calls.token).toBe(0);
  });

  it('fails with CLOVER_OAUTH_FAILED, storing nothing, without a merchant id', async () => {
    const { back, cookie } = await authorize();
    back.searchParams.delete('merchant_id');
    const missing = await land(back, cookie);
    expect(redirectParams(missing)).toMatchObject({ status: 'error', error_code: 'CLOVER_OAUTH_FAILED' });
    expect(snapshot(server.storage).credentials).toBe(0);
    const logs = await server.as('tenant-a')('GET', '/api/integrations/clover/logs');
    expect((logs.body.logs as Array<{ event: string }>).map((row) => row.event)).toEqual(['connect_failed']);
  });

  it('fails with CLOVER_OAUTH_FAILED, storing nothing, when the new token cannot read the merchant the redirect names', async () => {
    const { back, cookie } = await authorize();
    // Someone edits the redirect to name another merchant: Clover's new token cannot read it.
    back.searchParams.set('merchant_id', 'OTHERMERCHANT1');
    const before = snapshot(server.storage);
    const callback = await land(back, cookie);
    expect(redirectParams(callback)).toEqual({
      provider: 'clover',
      status: 'error',
      error_code: 'CLOVER_OAUTH_FAILED',
    });
    expect(sim.calls).toMatchObject({ token: 1, merchant: 1 });
    expect(snapshot(server.storage)).toMatchObject({ credentials: 0, logs: before.logs + 1 });
    expect(await server.integrations.vault.get('tenant-a', 'clover')).toBeUndefined();
    const logs = await server.as('tenant-a')('GET', '/api/integrations/clover/logs');
    expect(logs.body.logs).toMatchObject([
      {
        level: 'error',
        event: 'connect_failed',
        message: expect.stringContaining('cannot read the merchant named in the redirect (HTTP 401)'),
      },
    ]);
    expect(logs.text).not.toContain(sim.issued[0]?.access_token);
  });

  it('rejects a state issued for Stripe with CLOVER_STATE_INVALID', async () => {
    const state = await server.integrations.oauthStates.issue('tenant-a', 'stripe');
    const { back, cookie } = await authorize();
    back.searchParams.set('state', state);
    const { name, value } = oauthFlowCookie(state);
    const callback = await land(back, `${cookie}; ${name}=${value}`);
    expect(redirectParams(callback)).toMatchObject({ status: 'error', error_code: 'CLOVER_STATE_INVALID' });
    expect(sim.calls.token).toBe(0);
  });
});
