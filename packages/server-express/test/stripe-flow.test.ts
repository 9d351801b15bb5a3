import { stripe } from '@pos/connector-stripe';
import {
  cookiesOf,
  STRIPE_ACCOUNT_ID,
  STRIPE_CLIENT_ID,
  STRIPE_REDIRECT_URI,
  STRIPE_SECRET_KEY,
  type StripeSimulation,
  stripeSimulation,
  useProviderMock,
} from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshot, startTestServer, type TestServer } from './harness.js';

const mock = useProviderMock();
const connector = () =>
  stripe({
    clientId: STRIPE_CLIENT_ID,
    secretKey: STRIPE_SECRET_KEY,
    redirectUri: STRIPE_REDIRECT_URI,
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  });

let sim: StripeSimulation;
let server: TestServer;
beforeEach(async () => {
  sim = stripeSimulation();
  mock.use(...sim.handlers);
  server = await startTestServer({ connectors: [connector()] });
});
afterEach(() => server.close());

/** The browser's trip: our auth URL → Stripe's consent page → back to our callback. */
async function connect(tenantId = 'tenant-a', consent: 'approve' | 'deny' = 'approve') {
  const started = await server.as(tenantId)('POST', '/api/integrations/stripe/auth-url');
  expect(started.status).toBe(200);
  const back = sim[consent](started.body.auth_url as string);
  // The browser keeps the cookie the auth URL came with and sends it back to the callback.
  const cookie = cookiesOf(started);
  const callback = await server.anonymous('GET', `/api/integrations/stripe/callback${back.search}`, {
    headers: { cookie },
  });
  return { started, back, callback, cookie };
}

function redirectOf(response: { status: number; headers: Headers }) {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') as string, 'http://pos.test');
  return { path: location.pathname, params: Object.fromEntries(location.searchParams) };
}

describe('Stripe Connect over HTTP (seed integration test 1)', () => {
  it('auth URL → callback → status → summary → disconnect: what Stripe sends and keeps', async () => {
    const api = server.as('tenant-a');
    const { started, back, callback, cookie } = await connect();

    expect(started.body.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const authUrl = new URL(started.body.auth_url as string);
    expect(`${authUrl.origin}${authUrl.pathname}`).toBe('https://connect.stripe.com/oauth/authorize');
    expect(Object.fromEntries(authUrl.searchParams)).toEqual({
      response_type: 'code',
      client_id: STRIPE_CLIENT_ID,
      scope: 'read_write',
      state: started.body.state,
      redirect_uri: STRIPE_REDIRECT_URI,
    });

    expect(redirectOf(callback)).toEqual({
      path: '/settings/integrations',
      params: { provider: 'stripe', status: 'connected' },
    });
    expect(callback.headers.get('cache-control')).toBe('no-store');
    expect(callback.headers.get('referrer-policy')).toBe('no-referrer');
    expect(sim.calls.token).toBe(1);

    const status = await api('GET', '/api/integrations/stripe/status');
    expect(status.body).toMatchObject({
      provider: 'stripe',
      connected: true,
      status: 'connected',
      needs_reconnect: false,
      account_id: STRIPE_ACCOUNT_ID,
      business_name: "Joe's Coffee Roasters",
      livemode: false,
      scope: 'read_write',
    });

    // The account lives in provider_accounts with its details, the tokens only sealed in the vault.
    const accounts = server.storage.database.prepare('select * from provider_accounts').all();
    expect(accounts).toEqual([
      expect.objectContaining({ provider: 'stripe', tenant_id: 'tenant-a', account_id: STRIPE_ACCOUNT_ID }),
    ]);
    expect(JSON.parse((accounts[0] as { details: string }).details)).toEqual({
      scope: 'read_write',
      livemode: false,
      business_name: "Joe's Coffee Roasters",
      country: 'US',
      default_currency: 'usd',
    });
    const [tokens] = sim.issued;
    const stored = await server.integrations.vault.get('tenant-a', 'stripe');
    expect(stored?.secret).toEqual({ access_token: tokens?.access_token, refresh_token: tokens?.refresh_token });
    expect(JSON.stringify(accounts)).not.toContain(tokens?.access_token);
    expect(await server.storage.providerAccounts.owner('stripe', STRIPE_ACCOUNT_ID)).toBe('tenant-a');

    // The same redirect again (a reload, a replay): the state is spent, the code is never sent twice.
    const replay = await server.anonymous('GET', `/api/integrations/stripe/callback${back.search}`, {
      headers: { cookie },
    });
    expect(redirectOf(replay).params).toEqual({
      provider: 'stripe',
      status: 'error',
      error_code: 'STRIPE_STATE_INVALID',
    });
    expect(sim.calls.token).toBe(1);
    expect(sim.connected.has(STRIPE_ACCOUNT_ID)).toBe(true);

    const summary = await api('GET', '/api/integrations/stripe/summary');
    expect(summary.status).toBe(200);
    expect(summary.body).toEqual({
      business_name: "Joe's Coffee Roasters",
      country: 'US',
      default_currency: 'usd',
      account_id_masked: 'acct_...4242',
      charges_enabled: true,
      payouts_enabled: true,
      details_submitted: true,
    });

    const tested = await api('POST', '/api/integrations/stripe/test');
    expect(tested.body).toMatchObject({ success: true, message: expect.stringContaining('acct_...4242') });

    const disconnected = await api('DELETE', '/api/integrations/stripe/disconnect');
    expect(disconnected.body).toEqual({ success: true, message: 'Stripe disconnected.' });
    expect(sim.calls.deauthorize).toBe(1);
    expect(sim.connected.size).toBe(0);
    expect(snapshot(server.storage)).toMatchObject({ credentials: 0, stripeAccounts: 0 });
    expect((await api('POST', '/api/integrations/stripe/test')).body).toMatchObject({
      error_code: 'STRIPE_NOT_CONNECTED',
    });
  });

  it('reports a declined consent as STRIPE_OAUTH_FAILED and stores nothing', async () => {
    const before = snapshot(server.storage);
    const { callback } = await connect('tenant-a', 'deny');
    expect(redirectOf(callback).params).toEqual({
      provider: 'stripe',
      status: 'error',
      error_code: 'STRIPE_OAUTH_FAILED',
    });
    expect(sim.calls.token).toBe(0);
    expect(snapshot(server.storage)).toMatchObject({
      credentials: before.credentials,
      stripeAccounts: 0,
      logs: before.logs + 1,
    });
    const logs = await server.as('tenant-a')('GET', '/api/integrations/stripe/logs');
    expect(logs.body.logs).toMatchObject([
      { level: 'warning', event: 'connect_failed', message: 'The Stripe authorization was declined.' },
    ]);
  });

  it('deletes locally and logs a warning when Stripe says the account is already disconnected', async () => {
    await connect();
    sim.connected.clear(); // the merchant disconnected the platform in their Stripe dashboard
    const api = server.as('tenant-a');

    const tested = await api('POST', '/api/integrations/stripe/test');
    expect(tested.body).toMatchObject({ success: false, error_code: 'STRIPE_NOT_CONNECTED' });
    expect((await api('GET', '/api/integrations/stripe/status')).body).toMatchObject({
      connected: true,
      status: 'error',
      needs_reconnect: true,
      last_error_code: 'STRIPE_NOT_CONNECTED',
    });

    const disconnected = await api('DELETE', '/api/integrations/stripe/disconnect');
    expect(disconnected.body).toEqual({ success: true, message: 'Stripe disconnected.' });
    expect(snapshot(server.storage)).toMatchObject({ credentials: 0, stripeAccounts: 0 });
    const logs = await api('GET', '/api/integrations/stripe/logs?level=warning');
    expect(logs.body.logs).toMatchObject([
      { event: 'revoke_failed', message: expect.stringContaining('already disconnected') },
    ]);
  });

  it('connects each tenant to its own state, and never the tenant that merely presents it', async () => {
    const started = await server.as('tenant-b')('POST', '/api/integrations/stripe/auth-url');
    const back = sim.approve(started.body.auth_url as string);
    // The callback carries tenant A's API key as well: the state (and its cookie) still decides.
    const callback = await server.as('tenant-a')('GET', `/api/integrations/stripe/callback${back.search}`, {
      headers: { cookie: cookiesOf(started) },
    });
    expect(redirectOf(callback).params.status).toBe('connected');
    expect((await server.as('tenant-b')('GET', '/api/integrations/stripe/status')).body.connected).toBe(true);
    expect((await server.as('tenant-a')('GET', '/api/integrations/stripe/status')).body.connected).toBe(false);
  });

  it('needs an API key for every route except the callback', async () => {
    for (const [method, path] of [
      ['POST', '/api/integrations/stripe/auth-url'],
      ['GET', '/api/integrations/stripe/status'],
      ['GET', '/api/integrations/stripe/summary'],
      ['POST', '/api/integrations/stripe/test'],
      ['DELETE', '/api/integrations/stripe/disconnect'],
      ['GET', '/api/integrations/stripe/logs'],
    ] as const) {
      const response = await server.anonymous(method, path);
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ error_code: 'UNAUTHORIZED' });
    }
    const bodyRefused = await server.as('tenant-a')('POST', '/api/integrations/stripe/auth-url', {
      body: { tenant_id: 'tenant-b' },
    });
    expect(bodyRefused.status).toBe(400);
    expect(snapshot(server.storage).states).toBe(0);
  });
});
