import { createOutboundGuard, oauthRedirect, silentLogger, systemClock } from '@pos/integrations-core/connector';
import {
  STRIPE_ACCOUNT_ID,
  STRIPE_API,
  STRIPE_CLIENT_ID,
  STRIPE_SECRET_KEY,
  stripeAccount,
  stripeSimulation,
  useProviderMock,
} from '@pos/test-support';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { stripe, stripeAccountName, stripeFromEnv } from '../src/index.js';

const mock = useProviderMock();
const context = { tenantId: 'tenant-a', clock: systemClock, logger: silentLogger, outbound: createOutboundGuard() };
const env = { STRIPE_CLIENT_ID, STRIPE_SECRET_KEY };
const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 100 };

/** Exchanges a fresh code through the simulated consent page. */
async function connectWith(connector: ReturnType<typeof stripe>, sim: ReturnType<typeof stripeSimulation>) {
  const back = sim.approve(connector.authorizationUrl('state-value', context));
  return connector.exchange(oauthRedirect(Object.fromEntries(back.searchParams)), context);
}

describe('Stripe connector', () => {
  it('reads its configuration from the environment and says what is missing', () => {
    expect(() => stripeFromEnv({})).toThrow('Stripe needs STRIPE_CLIENT_ID and STRIPE_SECRET_KEY to be set.');
    expect(() => stripeFromEnv({ STRIPE_CLIENT_ID, STRIPE_SECRET_KEY: ' ' })).toThrow('STRIPE_SECRET_KEY');
    expect(() => stripeFromEnv({ ...env, STRIPE_CLIENT_ID: 'pk_test_nope' })).toThrow(/client id/);
    expect(() => stripeFromEnv({ ...env, STRIPE_SECRET_KEY: 'pk_test_publishable' })).toThrow(/secret key/);
    const url = new URL(
      stripeFromEnv({ ...env, STRIPE_REDIRECT_URI: 'https://pos.example/cb' }).authorizationUrl('s', context),
    );
    expect(url.searchParams.get('redirect_uri')).toBe('https://pos.example/cb');
    expect(new URL(stripeFromEnv(env).authorizationUrl('s', context)).searchParams.has('redirect_uri')).toBe(false);
  });

  it('sends API and Connect calls to STRIPE_API_BASE and STRIPE_CONNECT_BASE, paths kept', async () => {
    const sim = stripeSimulation({
      api: 'http://stripe-mock.test:12111',
      connect: 'http://connect-mock.test:12112/oauth-sim',
    });
    mock.use(...sim.handlers);
    const connector = stripeFromEnv({
      ...env,
      STRIPE_API_BASE: 'http://stripe-mock.test:12111',
      STRIPE_CONNECT_BASE: 'http://connect-mock.test:12112/oauth-sim/',
    });
    expect(connector.authorizationUrl('s', context)).toMatch(
      /^http:\/\/connect-mock\.test:12112\/oauth-sim\/oauth\/authorize\?/,
    );
    const grant = await connectWith(connector, sim);
    expect(grant.publicData).toMatchObject({ stripe_user_id: STRIPE_ACCOUNT_ID, country: 'US' });
    expect(await connector.summary(grant, context)).toMatchObject({ business_name: "Joe's Coffee Roasters" });
    await connector.revoke?.(grant, context);
    expect(sim.calls).toMatchObject({ token: 1, account: 2, deauthorize: 1, createSession: 0 });
  });

  it('keeps the default host for the base that is not overridden', async () => {
    const sim = stripeSimulation({ api: 'http://stripe-mock.test:12111' });
    mock.use(...sim.handlers);
    const connector = stripe({
      clientId: STRIPE_CLIENT_ID,
      secretKey: STRIPE_SECRET_KEY,
      apiBase: 'http://stripe-mock.test:12111',
    });
    expect(connector.authorizationUrl('s', context)).toMatch(/^https:\/\/connect\.stripe\.com\/oauth\/authorize\?/);
    await connectWith(connector, sim);
    expect(sim.calls).toMatchObject({ token: 1, account: 1 });
  });

  it('names the account by dashboard name, then business name, then email, then id', () => {
    const account = stripeAccount() as never;
    expect(stripeAccountName(account)).toBe("Joe's Coffee Roasters");
    const noDashboard = stripeAccount({ settings: { dashboard: { display_name: null } } }) as never;
    expect(stripeAccountName(noDashboard)).toBe("Joe's Coffee");
    const noBusiness = stripeAccount({ settings: null, business_profile: { name: null } }) as never;
    expect(stripeAccountName(noBusiness)).toBe('owner@joescoffee.example');
    const bare = stripeAccount({ settings: null, business_profile: null, email: null }) as never;
    expect(stripeAccountName(bare)).toBe(STRIPE_ACCOUNT_ID);
  });

  it('keeps the connection when the account details cannot be read right after the exchange', async () => {
    const sim = stripeSimulation();
    mock.use(...sim.handlers);
    mock.use(
      http.get(`${STRIPE_API}/v1/accounts/:id`, () =>
        HttpResponse.json({ error: { type: 'api_error', message: 'Something went wrong.' } }, { status: 500 }),
      ),
    );
    const grant = await connectWith(
      stripe({ clientId: STRIPE_CLIENT_ID, secretKey: STRIPE_SECRET_KEY, retry: fastRetry }),
      sim,
    );
    expect(grant.publicData).toEqual({
      stripe_user_id: STRIPE_ACCOUNT_ID,
      scope: 'read_write',
      livemode: false,
      business_name: null,
      country: null,
      default_currency: null,
    });
    expect(sim.calls.token).toBe(1);
  });

  it('maps Stripe failures to codes without passing Stripe messages on', async () => {
    const sim = stripeSimulation();
    mock.use(...sim.handlers);
    const connector = stripe({ clientId: STRIPE_CLIENT_ID, secretKey: STRIPE_SECRET_KEY, retry: fastRetry });
    const grant = await connectWith(connector, sim);

    let calls = 0;
    mock.use(
      http.get(`${STRIPE_API}/v1/accounts/:id`, () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.json({ error: { type: 'rate_limit_error', message: 'slow down' } }, { status: 429 })
          : HttpResponse.json(stripeAccount());
      }),
    );
    expect(await connector.test(grant, context)).toMatchObject({ message: expect.stringContaining('acct_...4242') });
    expect(calls).toBe(2);

    mock.use(
      http.get(`${STRIPE_API}/v1/accounts/:id`, () =>
        HttpResponse.json({ error: { type: 'api_error' } }, { status: 503 }),
      ),
    );
    await expect(connector.summary(grant, context)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });

    const wrongKey = stripe({
      clientId: STRIPE_CLIENT_ID,
      secretKey: 'sk_test_NotThePlatformKey000',
      retry: fastRetry,
    });
    mock.use(...sim.handlers);
    await expect(wrongKey.summary(grant, context)).rejects.toMatchObject({
      code: 'STRIPE_PLATFORM_KEY_INVALID',
      status: 502,
    });

    sim.connected.clear();
    await expect(connector.summary(grant, context)).rejects.toMatchObject({
      code: 'STRIPE_NOT_CONNECTED',
      needsReconnect: true,
      message: expect.not.stringContaining('does not have access'),
    });
    await expect(connector.revoke?.(grant, context)).rejects.toMatchObject({
      code: 'STRIPE_NOT_CONNECTED',
      message: 'Stripe reports account acct_...4242 is already disconnected from this platform.',
    });
  });

  it('exchanges a code once and reports a reused or unknown code as STRIPE_OAUTH_FAILED', async () => {
    const sim = stripeSimulation();
    mock.use(...sim.handlers);
    const connector = stripe({ clientId: STRIPE_CLIENT_ID, secretKey: STRIPE_SECRET_KEY });
    const back = sim.approve(connector.authorizationUrl('s', context));
    const query = Object.fromEntries(back.searchParams);
    await connector.exchange(oauthRedirect(query), context);
    const again = connector.exchange(oauthRedirect(query), context);
    await expect(again).rejects.toMatchObject({
      code: 'STRIPE_OAUTH_FAILED',
      details: { stripe_error: 'invalid_grant' },
    });
    await expect(again).rejects.toMatchObject({ message: expect.not.stringContaining(query.code as string) });
    expect(sim.calls.token).toBe(2);
    mock.use(http.post('https://connect.stripe.com/oauth/token', () => HttpResponse.error()));
    await expect(connector.exchange(oauthRedirect({ code: 'ac_x' }), context)).rejects.toMatchObject({
      code: 'STRIPE_OAUTH_FAILED',
    });
  });
});
