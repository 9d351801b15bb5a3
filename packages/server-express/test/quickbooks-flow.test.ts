/**
 * QuickBooks Online's OAuth round trip over HTTP: the state is checked and single use, the
 * company (`realmId`) comes from the redirect and is stored and linked to one tenant, the code is
 * never exchanged twice, and a disconnect revokes the grant at Intuit.
 */
import { quickbooks } from '@pos/connector-quickbooks';
import { oauthFlowCookie } from '@pos/server-express';
import {
  cookiesOf,
  ManualClock,
  QUICKBOOKS_CLIENT_ID,
  QUICKBOOKS_CLIENT_SECRET,
  QUICKBOOKS_REALM_ID,
  QUICKBOOKS_REDIRECT_URI,
  type QuickBooksSimulation,
  quickbooksSimulation,
  useProviderMock,
} from '@pos/test-support';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshot, startTestServer, type TestServer } from './harness.js';

const mock = useProviderMock();
const clock = new ManualClock();
const connector = () =>
  quickbooks({
    clientId: QUICKBOOKS_CLIENT_ID,
    clientSecret: QUICKBOOKS_CLIENT_SECRET,
    redirectUri: QUICKBOOKS_REDIRECT_URI,
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  });
const base = '/api/integrations/quickbooks';

let sim: QuickBooksSimulation;
let server: TestServer;
beforeEach(async () => {
  clock.set('2026-03-01T12:00:00.000Z');
  sim = quickbooksSimulation({ clock, redirectUri: () => QUICKBOOKS_REDIRECT_URI });
  mock.use(...sim.handlers);
  server = await startTestServer({ connectors: [connector()], clock });
});
afterEach(() => server.close());

async function authorize(tenantId = 'tenant-a') {
  const started = await server.as(tenantId)('POST', `${base}/auth-url`);
  expect(started.status).toBe(200);
  return { started, back: sim.approve(started.body.auth_url as string), cookie: cookiesOf(started) };
}

/** The browser lands on our callback, sending back the cookie its auth URL came with. */
function land(back: URL, cookie: string) {
  return server.anonymous('GET', `${base}/callback${back.search}`, { headers: { cookie } });
}

function redirectParams(response: { status: number; headers: Headers }) {
  expect(response.status).toBe(302);
  return Object.fromEntries(new URL(response.headers.get('location') as string, 'http://pos.test').searchParams);
}

const events = async (tenantId = 'tenant-a') => {
  const logs = await server.as(tenantId)('GET', `${base}/logs`);
  return (logs.body.logs as Array<{ event: string }>).map((row) => row.event);
};

describe('QuickBooks OAuth over HTTP', () => {
  it('auth URL → consent → callback with realmId → status → summary → test → disconnect, which revokes', async () => {
    const api = server.as('tenant-a');
    const { started, back, cookie } = await authorize();
    const authUrl = new URL(started.body.auth_url as string);
    expect(`${authUrl.origin}${authUrl.pathname}`).toBe('https://appcenter.intuit.com/connect/oauth2');
    expect(authUrl.searchParams.get('scope')).toBe('com.intuit.quickbooks.accounting');
    expect(authUrl.searchParams.get('state')).toBe(started.body.state);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      code: expect.any(String),
      state: started.body.state,
      realmId: QUICKBOOKS_REALM_ID,
    });

    expect(redirectParams(await land(back, cookie))).toEqual({ provider: 'quickbooks', status: 'connected' });
    expect(sim.calls).toMatchObject({ token: 1, companyinfo: 1 });

    expect((await api('GET', `${base}/status`)).body).toMatchObject({
      provider: 'quickbooks',
      connected: true,
      status: 'connected',
      needs_reconnect: false,
      realm_id: QUICKBOOKS_REALM_ID,
      company_name: "Joe's Coffee LLC",
      environment: 'production',
      access_token_expires_at: '2026-03-01T13:00:00.000Z',
    });
    const stored = await server.integrations.vault.get('tenant-a', 'quickbooks');
    expect(stored?.secret).toEqual(sim.issued[0]);
    expect(stored?.publicData).toMatchObject({ realm_id: QUICKBOOKS_REALM_ID, environment: 'production' });
    expect(await server.storage.providerAccounts.get('tenant-a', 'quickbooks')).toMatchObject({
      accountId: QUICKBOOKS_REALM_ID,
      details: { company_name: "Joe's Coffee LLC", country: 'US', environment: 'production' },
    });

    expect((await api('GET', `${base}/summary`)).body).toEqual({
      company_name: "Joe's Coffee LLC",
      country: 'US',
      fiscal_year_start: 'January',
      home_currency: 'USD',
      realm_id: QUICKBOOKS_REALM_ID,
      environment: 'production',
      reachable: true,
      receipts_pushed: 0,
      receipts_failed: 0,
      last_push_at: null,
      pending: 0,
    });
    expect((await api('POST', `${base}/test`)).body).toMatchObject({
      success: true,
      message: 'QuickBooks answered: company "Joe\'s Coffee LLC" is reachable.',
    });

    const { refresh_token: refreshToken, access_token: accessToken } = (stored?.secret ?? {}) as Record<string, string>;
    expect((await api('DELETE', `${base}/disconnect`)).body).toEqual({
      success: true,
      message: 'QuickBooks disconnected.',
    });
    expect(sim.calls.revoke).toBe(1);
    expect(sim.isRevoked(refreshToken ?? '')).toBe(true);
    expect(sim.isRevoked(accessToken ?? '')).toBe(true);
    expect(await server.integrations.vault.get('tenant-a', 'quickbooks')).toBeUndefined();
    expect(await server.storage.providerAccounts.get('tenant-a', 'quickbooks')).toBeUndefined();
    expect(await events()).toEqual(['disconnected', 'tested', 'connected']);
  });

  it('refuses a reused redirect: the state is spent, and the code is not sent to Intuit again', async () => {
    const { back, cookie } = await authorize();
    expect(redirectParams(await land(back, cookie))).toMatchObject({ status: 'connected' });
    const again = await land(back, cookie);
    expect(redirectParams(again)).toMatchObject({ status: 'error', error_code: 'QUICKBOOKS_STATE_INVALID' });
    expect(sim.calls.token).toBe(1);
  });

  it('refuses an unknown state, and a state issued for another provider, without exchanging the code', async () => {
    const { back, cookie } = await authorize();
    const forged = new URL(back);
    forged.searchParams.set('state', 'a'.repeat(43));
    expect(redirectParams(await land(forged, cookie))).toMatchObject({ error_code: 'QUICKBOOKS_STATE_INVALID' });

    const state = await server.integrations.oauthStates.issue('tenant-a', 'stripe');
    back.searchParams.set('state', state);
    const { name, value } = oauthFlowCookie(state);
    expect(redirectParams(await land(back, `${cookie}; ${name}=${value}`))).toMatchObject({
      error_code: 'QUICKBOOKS_STATE_INVALID',
    });
    expect(sim.calls.token).toBe(0);
    expect(snapshot(server.storage).credentials).toBe(0);
  });

  it('stores nothing when the merchant cancels on Intuit’s page', async () => {
    const started = await server.as('tenant-a')('POST', `${base}/auth-url`);
    const back = sim.deny(started.body.auth_url as string);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(redirectParams(await land(back, cookiesOf(started)))).toEqual({
      provider: 'quickbooks',
      status: 'error',
      error_code: 'QUICKBOOKS_OAUTH_FAILED',
    });
    expect(sim.calls.token).toBe(0);
    expect(await events()).toEqual(['connect_failed']);
  });

  it('stores nothing without a realmId, or when the new token cannot read the company the redirect names', async () => {
    const first = await authorize();
    first.back.searchParams.delete('realmId');
    expect(redirectParams(await land(first.back, first.cookie))).toMatchObject({
      error_code: 'QUICKBOOKS_OAUTH_FAILED',
    });
    expect(sim.calls.token).toBe(0);

    const second = await authorize();
    second.back.searchParams.set('realmId', '123145678901234');
    expect(redirectParams(await land(second.back, second.cookie))).toMatchObject({
      error_code: 'QUICKBOOKS_OAUTH_FAILED',
    });
    expect(sim.calls).toMatchObject({ token: 1, companyinfo: 1 });
    expect(snapshot(server.storage).credentials).toBe(0);
    const logs = await server.as('tenant-a')('GET', `${base}/logs`);
    expect(logs.body.logs).toMatchObject([
      { event: 'connect_failed', message: expect.stringContaining('cannot read the company named in the redirect') },
      { event: 'connect_failed', message: expect.stringContaining('did not say which QuickBooks company') },
    ]);
    expect(logs.text).not.toContain(sim.issued[0]?.access_token);
  });

  it('links one QuickBooks company to one tenant: a second tenant is refused with QUICKBOOKS_COMPANY_IN_USE', async () => {
    const a = await authorize('tenant-a');
    expect(redirectParams(await land(a.back, a.cookie))).toMatchObject({ status: 'connected' });
    const b = await authorize('tenant-b');
    expect(redirectParams(await land(b.back, b.cookie))).toEqual({
      provider: 'quickbooks',
      status: 'error',
      error_code: 'QUICKBOOKS_COMPANY_IN_USE',
    });
    expect(await server.integrations.vault.get('tenant-b', 'quickbooks')).toBeUndefined();
    expect((await server.as('tenant-a')('GET', `${base}/status`)).body).toMatchObject({ connected: true });
  });

  it('disconnects locally, with a warning in the logs, when Intuit does not confirm the revocation', async () => {
    const { back, cookie } = await authorize();
    await land(back, cookie);
    mock.use(
      http.post('https://developer.api.intuit.com/v2/oauth2/tokens/revoke', () =>
        HttpResponse.json({ error: 'server_error' }, { status: 503 }),
      ),
    );
    expect((await server.as('tenant-a')('DELETE', `${base}/disconnect`)).body).toMatchObject({ success: true });
    expect(await server.integrations.vault.get('tenant-a', 'quickbooks')).toBeUndefined();
    expect(await events()).toEqual(['disconnected', 'revoke_failed', 'connected']);
  });
});
