import { createOutboundGuard, oauthRedirect, silentLogger, systemClock } from '@pos/integrations-core/connector';
import {
  CLOVER_API,
  CLOVER_APP_ID,
  CLOVER_APP_SECRET,
  CLOVER_MERCHANT_ID,
  CLOVER_REDIRECT_URI,
  cloverMerchant,
  cloverSimulation,
  useProviderMock,
} from '@pos/test-support';
import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { CLOVER_HOSTS, clover, cloverFromEnv } from '../src/index.js';

const mock = useProviderMock();
const context = { tenantId: 'tenant-a', clock: systemClock, logger: silentLogger, outbound: createOutboundGuard() };
const env = { CLOVER_APP_ID, CLOVER_APP_SECRET, CLOVER_REDIRECT_URI };
const options = { appId: CLOVER_APP_ID, appSecret: CLOVER_APP_SECRET, redirectUri: CLOVER_REDIRECT_URI };
const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 100 };

async function connectWith(connector: ReturnType<typeof clover>, sim: ReturnType<typeof cloverSimulation>) {
  const back = sim.approve(connector.authorizationUrl('state-value', context));
  return connector.exchange(oauthRedirect(Object.fromEntries(back.searchParams)), context);
}

describe('Clover connector', () => {
  it('reads its configuration from the environment and says what is missing', () => {
    expect(() => cloverFromEnv({})).toThrow(
      'Clover needs CLOVER_APP_ID, CLOVER_APP_SECRET and CLOVER_REDIRECT_URI to be set.',
    );
    expect(() => cloverFromEnv({ ...env, CLOVER_REGION: 'apac' })).toThrow(
      'CLOVER_REGION must be one of na, eu, la, sandbox.',
    );
  });

  it('uses each region’s authorize page and API host, and the overrides when set', () => {
    for (const [region, hosts] of Object.entries(CLOVER_HOSTS)) {
      const connector = cloverFromEnv({ ...env, CLOVER_REGION: region });
      expect(connector.authorizationUrl('s', context)).toMatch(new RegExp(`^${hosts.oauth}/oauth/v2/authorize\\?`));
    }
    expect(CLOVER_HOSTS.sandbox).toEqual({
      oauth: 'https://sandbox.dev.clover.com',
      api: 'https://apisandbox.dev.clover.com',
    });
    const overridden = cloverFromEnv({ ...env, CLOVER_OAUTH_BASE: 'http://clover-sim.test:9000/' });
    const url = new URL(overridden.authorizationUrl('abc', context));
    expect(`${url.origin}${url.pathname}`).toBe('http://clover-sim.test:9000/oauth/v2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: CLOVER_APP_ID,
      redirect_uri: `${CLOVER_REDIRECT_URI}?state=abc`,
      response_type: 'code',
      state: 'abc',
    });
  });

  it('exchanges the code with the app secret and refreshes with the refresh token alone, on CLOVER_API_BASE', async () => {
    const sim = cloverSimulation({ api: 'http://clover-api.test:9001' });
    mock.use(...sim.handlers);
    const bodies: unknown[] = [];
    mock.events.on('request:start', async ({ request }) => {
      if (request.method === 'POST') bodies.push(await request.clone().json());
    });
    const connector = cloverFromEnv({ ...env, CLOVER_API_BASE: 'http://clover-api.test:9001' });
    const grant = await connectWith(connector, sim);
    expect(grant.publicData).toMatchObject({ merchant_id: CLOVER_MERCHANT_ID, merchant_name: "Joe's Coffee" });
    const refreshed = await connector.refresh?.(grant, context);
    mock.events.removeAllListeners();
    expect(bodies).toEqual([
      { client_id: CLOVER_APP_ID, client_secret: CLOVER_APP_SECRET, code: expect.any(String) },
      { client_id: CLOVER_APP_ID, refresh_token: grant.secret.refresh_token },
    ]);
    expect(refreshed?.secret.refresh_token).not.toBe(grant.secret.refresh_token);
    expect(refreshed?.publicData.merchant_id).toBe(CLOVER_MERCHANT_ID);
    expect(Date.parse(refreshed?.expiresAt as string)).toBeGreaterThan(Date.now());
  });

  it('refuses a redirect without a merchant or meant for another app', async () => {
    const sim = cloverSimulation();
    mock.use(...sim.handlers);
    const connector = clover(options);
    const back = sim.approve(connector.authorizationUrl('s', context));
    const query = Object.fromEntries(back.searchParams);
    await expect(connector.exchange(oauthRedirect({ ...query, merchant_id: '' }), context)).rejects.toMatchObject({
      code: 'CLOVER_OAUTH_FAILED',
    });
    await expect(connector.exchange(oauthRedirect({ ...query, client_id: 'OTHERAPP' }), context)).rejects.toMatchObject(
      {
        code: 'CLOVER_OAUTH_FAILED',
      },
    );
    expect(sim.calls.token).toBe(0);
  });

  it('connects only a merchant the new token can read: the redirect names it, the token must prove it', async () => {
    const sim = cloverSimulation();
    mock.use(...sim.handlers);
    const connector = clover({ ...options, retry: fastRetry });
    const approved = (merchantId: string) => {
      const back = sim.approve(connector.authorizationUrl('s', context));
      return { ...Object.fromEntries(back.searchParams), merchant_id: merchantId };
    };
    // Someone edits the redirect to name another merchant: Clover's token cannot read it (401).
    await expect(connector.exchange(oauthRedirect(approved('OTHERMERCHANT1')), context)).rejects.toMatchObject({
      code: 'CLOVER_OAUTH_FAILED',
      details: { clover_status: 401 },
      message: expect.stringContaining('cannot read the merchant named in the redirect (HTTP 401)'),
    });
    expect(sim.calls).toMatchObject({ token: 1, merchant: 1 });

    for (const status of [403, 404]) {
      mock.use(http.get(`${CLOVER_API}/v3/merchants/:id`, () => HttpResponse.json({}, { status })));
      await expect(connector.exchange(oauthRedirect(approved(CLOVER_MERCHANT_ID)), context)).rejects.toMatchObject({
        code: 'CLOVER_OAUTH_FAILED',
        details: { clover_status: status },
      });
    }
    // An answer about another merchant proves nothing either.
    mock.use(
      http.get(`${CLOVER_API}/v3/merchants/:id`, () => HttpResponse.json(cloverMerchant({ id: 'SOMEONEELSE01' }))),
    );
    await expect(connector.exchange(oauthRedirect(approved(CLOVER_MERCHANT_ID)), context)).rejects.toMatchObject({
      code: 'CLOVER_OAUTH_FAILED',
    });
    // An outage is not a refusal: it keeps its own code (the merchant starts again later).
    mock.use(http.get(`${CLOVER_API}/v3/merchants/:id`, () => HttpResponse.json({}, { status: 503 })));
    await expect(connector.exchange(oauthRedirect(approved(CLOVER_MERCHANT_ID)), context)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
    });
  });

  it('maps refusals, rate limits, outages and timeouts, and never retries a token call', async () => {
    const sim = cloverSimulation();
    mock.use(...sim.handlers);
    const connector = clover({ ...options, retry: fastRetry, timeoutMs: 50 });
    const grant = await connectWith(connector, sim);

    let refreshCalls = 0;
    mock.use(
      http.post(`${CLOVER_API}/oauth/v2/refresh`, () => {
        refreshCalls += 1;
        return HttpResponse.json({ message: 'bad' }, { status: 400 });
      }),
    );
    await expect(connector.refresh?.(grant, context)).rejects.toMatchObject({
      code: 'CLOVER_TOKEN_EXPIRED',
      needsReconnect: true,
    });
    mock.use(
      http.post(`${CLOVER_API}/oauth/v2/refresh`, () => {
        refreshCalls += 1;
        return HttpResponse.json({}, { status: 503 });
      }),
    );
    await expect(connector.refresh?.(grant, context)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(refreshCalls).toBe(2);

    let reads = 0;
    mock.use(
      http.get(`${CLOVER_API}/v3/merchants/:id`, () => {
        reads += 1;
        return reads === 1
          ? HttpResponse.json({}, { status: 429, headers: { 'Retry-After': '0' } })
          : HttpResponse.json(cloverMerchant({ address: { city: 'Springfield', country: 'US' } }));
      }),
    );
    expect(await connector.summary(grant, context)).toEqual({
      merchant_name: "Joe's Coffee",
      address: 'Springfield, US',
      merchant_id: CLOVER_MERCHANT_ID,
    });
    expect(reads).toBe(2);

    mock.use(http.get(`${CLOVER_API}/v3/merchants/:id`, () => HttpResponse.json({}, { status: 401 })));
    await expect(connector.test(grant, context)).rejects.toMatchObject({
      code: 'CLOVER_TOKEN_EXPIRED',
      needsReconnect: true,
    });
    mock.use(http.get(`${CLOVER_API}/v3/merchants/:id`, () => HttpResponse.json({}, { status: 404 })));
    await expect(connector.test(grant, context)).rejects.toMatchObject({
      code: 'CLOVER_REQUEST_REJECTED',
      needsReconnect: false,
    });
    mock.use(
      http.get(`${CLOVER_API}/v3/merchants/:id`, async () => {
        await delay(500);
        return HttpResponse.json(cloverMerchant());
      }),
    );
    await expect(connector.test(grant, context)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: 'Clover did not answer in time. Try again shortly.',
    });
  });
});
