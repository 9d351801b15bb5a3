import { clover } from '@pos/connector-clover';
import {
  CLOVER_APP_ID,
  CLOVER_APP_SECRET,
  CLOVER_MERCHANT_ID,
  CLOVER_REDIRECT_URI,
  cloverSimulation,
  cookiesOf,
  STRIPE_ACCOUNT_ID,
  stripeEvent,
  useProviderMock,
} from '@pos/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshot, startTestServer, type TestServer } from './harness.js';
import { type PaymentsServer, startPaymentsServer } from './payments-harness.js';

const mock = useProviderMock();
const OTHER_ACCOUNT = 'acct_1OtherShop0000777';
let server: PaymentsServer | TestServer | undefined;
afterEach(() => server?.close());

async function stripeServer() {
  const started = await startPaymentsServer(mock);
  server = started;
  return started;
}

/** A tenant's whole OAuth trip in its own browser; returns where the callback sends it. */
async function attempt(s: PaymentsServer, tenantId: string, accountId?: string) {
  const started = await s.as(tenantId)('POST', '/api/integrations/stripe/auth-url');
  const back = s.sim.approve(started.body.auth_url as string, accountId);
  return land(s, back, cookiesOf(started));
}

async function land(s: TestServer, back: URL, cookie: string, provider = 'stripe') {
  const callback = await s.anonymous('GET', `/api/integrations/${provider}/callback${back.search}`, {
    headers: { cookie },
  });
  expect(callback.status).toBe(302);
  return Object.fromEntries(new URL(callback.headers.get('location') as string, 'http://pos.test').searchParams);
}

const connected = async (s: TestServer, tenantId: string, provider = 'stripe') =>
  (await s.as(tenantId)('GET', `/api/integrations/${provider}/status`)).body.connected;

const links = (s: TestServer) =>
  s.storage.database
    .prepare('select provider, account_id, tenant_id from provider_accounts order by provider, tenant_id')
    .all();

describe('One provider account, one tenant', () => {
  it('refuses to link a Stripe account another tenant holds, storing nothing for the second tenant', async () => {
    const s = await stripeServer();
    await s.connect('tenant-a');
    const before = snapshot(s.storage);

    expect(await attempt(s, 'tenant-b')).toEqual({
      provider: 'stripe',
      status: 'error',
      error_code: 'STRIPE_ACCOUNT_IN_USE',
    });
    expect(await connected(s, 'tenant-b')).toBe(false);
    expect(await s.integrations.vault.get('tenant-b', 'stripe')).toBeUndefined();
    // Only tenant B's log row is new; its state was spent.
    expect(snapshot(s.storage)).toEqual({ ...before, logs: before.logs + 1 });
    expect(await s.storage.providerAccounts.get('tenant-a', 'stripe')).toMatchObject({
      accountId: STRIPE_ACCOUNT_ID,
      details: { business_name: "Joe's Coffee Roasters" },
    });
    expect(await s.storage.providerAccounts.get('tenant-b', 'stripe')).toBeUndefined();
    expect(links(s)).toEqual([{ provider: 'stripe', account_id: STRIPE_ACCOUNT_ID, tenant_id: 'tenant-a' }]);
    const logs = await s.as('tenant-b')('GET', '/api/integrations/stripe/logs');
    expect(logs.body.logs).toEqual([
      expect.objectContaining({
        level: 'error',
        event: 'connect_failed',
        message:
          'Could not connect Stripe: This Stripe account is already connected to another account on this server. Disconnect it there first, or connect a different Stripe account.',
        details: { error_code: 'STRIPE_ACCOUNT_IN_USE' },
      }),
    ]);
    // Nothing of tenant A's is named to tenant B, and A is untouched: still connected, never deauthorized.
    expect(logs.text).not.toContain('tenant-a');
    expect(s.sim.calls.deauthorize).toBe(0);
    expect((await s.as('tenant-a')('POST', '/api/integrations/stripe/test')).body).toMatchObject({ success: true });

    // The same tenant connecting the same account again is fine; another account is too.
    expect(await attempt(s, 'tenant-a')).toMatchObject({ status: 'connected' });
    expect(await attempt(s, 'tenant-b', OTHER_ACCOUNT)).toMatchObject({ status: 'connected' });

    // Once tenant A lets go (Stripe deauthorizes), the account is free for tenant C.
    await s.as('tenant-a')('DELETE', '/api/integrations/stripe/disconnect');
    expect(s.sim.calls.deauthorize).toBe(1);
    expect(await attempt(s, 'tenant-c')).toMatchObject({ status: 'connected' });
    expect(links(s)).toEqual([
      { provider: 'stripe', account_id: OTHER_ACCOUNT, tenant_id: 'tenant-b' },
      { provider: 'stripe', account_id: STRIPE_ACCOUNT_ID, tenant_id: 'tenant-c' },
    ]);
  });

  it('lets exactly one of two tenants connecting the same account at the same moment have it', async () => {
    const s = await stripeServer();
    const flows = await Promise.all(
      ['tenant-a', 'tenant-b'].map(async (tenantId) => {
        const started = await s.as(tenantId)('POST', '/api/integrations/stripe/auth-url');
        return { back: s.sim.approve(started.body.auth_url as string), cookie: cookiesOf(started) };
      }),
    );
    const outcomes = await Promise.all(flows.map((flow) => land(s, flow.back, flow.cookie)));
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['connected', 'error']);
    expect(outcomes.find((outcome) => outcome.status === 'error')?.error_code).toBe('STRIPE_ACCOUNT_IN_USE');
    const winner = outcomes[0]?.status === 'connected' ? 'tenant-a' : 'tenant-b';
    expect(links(s)).toEqual([{ provider: 'stripe', account_id: STRIPE_ACCOUNT_ID, tenant_id: winner }]);
    expect(snapshot(s.storage)).toMatchObject({ credentials: 1, stripeAccounts: 1 });
  });

  it('a disconnect or a deauthorization cuts off only the tenant holding that account', async () => {
    const s = await stripeServer();
    await s.connect('tenant-a');
    await s.connect('tenant-b', OTHER_ACCOUNT);

    // Stripe says tenant B's account removed the platform: tenant A keeps working.
    const event = stripeEvent(
      'account.application.deauthorized',
      { object: 'application' },
      { account: OTHER_ACCOUNT },
    );
    expect((await s.deliver(event)).body).toMatchObject({ outcome: 'disconnected' });
    expect(await connected(s, 'tenant-b')).toBe(false);
    expect(await connected(s, 'tenant-a')).toBe(true);

    // Tenant B connects again and disconnects itself: Stripe hears about B's account only.
    await s.connect('tenant-b', OTHER_ACCOUNT);
    await s.as('tenant-b')('DELETE', '/api/integrations/stripe/disconnect');
    expect([...s.sim.connected]).toEqual([STRIPE_ACCOUNT_ID]);
    expect((await s.as('tenant-a')('POST', '/api/integrations/stripe/test')).body).toMatchObject({ success: true });
    expect(links(s)).toEqual([{ provider: 'stripe', account_id: STRIPE_ACCOUNT_ID, tenant_id: 'tenant-a' }]);
  });

  it('never revokes at Stripe for a tenant that does not hold the account (a link made before this check)', async () => {
    const s = await stripeServer();
    await s.connect('tenant-a');
    // As a database from before provider_accounts existed might hold: a second tenant on the same account.
    s.storage.database.prepare('delete from provider_accounts').run();
    await s.connect('tenant-b');
    expect(links(s)).toEqual([{ provider: 'stripe', account_id: STRIPE_ACCOUNT_ID, tenant_id: 'tenant-b' }]);

    const disconnected = await s.as('tenant-a')('DELETE', '/api/integrations/stripe/disconnect');
    expect(disconnected.body).toEqual({ success: true, message: 'Stripe disconnected.' });
    expect(s.sim.calls.deauthorize).toBe(0);
    expect(await connected(s, 'tenant-a')).toBe(false);
    expect((await s.as('tenant-b')('POST', '/api/integrations/stripe/test')).body).toMatchObject({ success: true });
    expect(links(s)).toEqual([{ provider: 'stripe', account_id: STRIPE_ACCOUNT_ID, tenant_id: 'tenant-b' }]);
  });

  it('refuses a Clover merchant another tenant holds with CLOVER_MERCHANT_IN_USE', async () => {
    const sim = cloverSimulation();
    mock.use(...sim.handlers);
    const s = await startTestServer({
      connectors: [clover({ appId: CLOVER_APP_ID, appSecret: CLOVER_APP_SECRET, redirectUri: CLOVER_REDIRECT_URI })],
    });
    server = s;
    const trip = async (tenantId: string) => {
      const started = await s.as(tenantId)('POST', '/api/integrations/clover/auth-url');
      return land(s, sim.approve(started.body.auth_url as string), cookiesOf(started), 'clover');
    };
    expect(await trip('tenant-a')).toMatchObject({ status: 'connected' });
    const before = snapshot(s.storage);
    expect(await trip('tenant-b')).toEqual({
      provider: 'clover',
      status: 'error',
      error_code: 'CLOVER_MERCHANT_IN_USE',
    });
    expect(snapshot(s.storage)).toEqual({ ...before, logs: before.logs + 1 });
    expect(await connected(s, 'tenant-b', 'clover')).toBe(false);
    expect(links(s)).toEqual([{ provider: 'clover', account_id: CLOVER_MERCHANT_ID, tenant_id: 'tenant-a' }]);
    await s.as('tenant-a')('DELETE', '/api/integrations/clover/disconnect');
    expect(await trip('tenant-b')).toMatchObject({ status: 'connected' });
  });
});
