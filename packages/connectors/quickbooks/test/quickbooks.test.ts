import { createOutboundGuard, oauthRedirect, silentLogger, systemClock } from '@pos/integrations-core/connector';
import {
  QUICKBOOKS_API,
  QUICKBOOKS_CLIENT_ID,
  QUICKBOOKS_CLIENT_SECRET,
  QUICKBOOKS_REALM_ID,
  QUICKBOOKS_REDIRECT_URI,
  QUICKBOOKS_SANDBOX_API,
  type QuickBooksSimulation,
  quickbooksCompany,
  quickbooksCurrency,
  quickbooksSimulation,
  useProviderMock,
} from '@pos/test-support';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { fiscalYearStart } from '../src/company.js';
import { INTUIT_OAUTH_ENDPOINTS, QUICKBOOKS_API_HOSTS, quickbooks, quickbooksFromEnv } from '../src/index.js';

const mock = useProviderMock();
const context = { tenantId: 'tenant-a', clock: systemClock, logger: silentLogger, outbound: createOutboundGuard() };
const env = {
  QUICKBOOKS_CLIENT_ID,
  QUICKBOOKS_CLIENT_SECRET,
  QUICKBOOKS_REDIRECT_URI,
};
const options = {
  clientId: QUICKBOOKS_CLIENT_ID,
  clientSecret: QUICKBOOKS_CLIENT_SECRET,
  redirectUri: QUICKBOOKS_REDIRECT_URI,
  retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 100 },
};
const companyInfoUrl = `${QUICKBOOKS_API}/v3/company/:realm/companyinfo/:id`;
const basic = `Basic ${Buffer.from(`${QUICKBOOKS_CLIENT_ID}:${QUICKBOOKS_CLIENT_SECRET}`).toString('base64')}`;

function simulate(simOptions: Parameters<typeof quickbooksSimulation>[0] = {}): QuickBooksSimulation {
  const sim = quickbooksSimulation(simOptions);
  mock.use(...sim.handlers);
  return sim;
}

async function connectWith(connector: ReturnType<typeof quickbooks>, sim: QuickBooksSimulation, realmId?: string) {
  const back = sim.approve(connector.authorizationUrl('state-value', context));
  const query = Object.fromEntries(back.searchParams);
  return connector.exchange(oauthRedirect(realmId === undefined ? query : { ...query, realmId }), context);
}

/** Every request msw sees while `run` runs: method, URL, authorization header and body. */
async function recorded(run: () => Promise<unknown>) {
  const seen: Array<{ method: string; url: string; authorization: string | null; type: string | null; body: string }> =
    [];
  const listener = async ({ request }: { request: Request }) => {
    seen.push({
      method: request.method,
      url: request.url,
      authorization: request.headers.get('authorization'),
      type: request.headers.get('content-type'),
      body: await request.clone().text(),
    });
  };
  mock.events.on('request:start', listener);
  try {
    await run();
  } finally {
    mock.events.removeListener('request:start', listener);
  }
  return seen;
}

describe('QuickBooks connector', () => {
  it('reads its configuration from the environment and says what is missing', () => {
    expect(() => quickbooksFromEnv({})).toThrow(
      'QuickBooks needs QUICKBOOKS_CLIENT_ID, QUICKBOOKS_CLIENT_SECRET and QUICKBOOKS_REDIRECT_URI to be set.',
    );
    expect(() => quickbooksFromEnv({ ...env, QUICKBOOKS_ENVIRONMENT: 'staging' })).toThrow(
      'QUICKBOOKS_ENVIRONMENT must be one of production, sandbox.',
    );
    expect(() => quickbooks({ ...options, environment: 'test' as 'sandbox' })).toThrow(
      'The QuickBooks environment must be one of production, sandbox.',
    );
  });

  it('asks Intuit for the accounting scope on its consent page, or on QUICKBOOKS_OAUTH_BASE', () => {
    const url = new URL(quickbooksFromEnv(env).authorizationUrl('abc', context));
    expect(`${url.origin}${url.pathname}`).toBe('https://appcenter.intuit.com/connect/oauth2');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: QUICKBOOKS_CLIENT_ID,
      response_type: 'code',
      scope: 'com.intuit.quickbooks.accounting',
      redirect_uri: QUICKBOOKS_REDIRECT_URI,
      state: 'abc',
    });
    expect(INTUIT_OAUTH_ENDPOINTS).toEqual({
      authorize: 'https://appcenter.intuit.com/connect/oauth2',
      token: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
      revoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
    });
    const overridden = quickbooksFromEnv({ ...env, QUICKBOOKS_OAUTH_BASE: 'http://intuit-sim.test:9000/' });
    expect(overridden.authorizationUrl('abc', context)).toMatch(/^http:\/\/intuit-sim\.test:9000\/connect\/oauth2\?/);
  });

  it('exchanges the code with Basic auth and a form body, keeps the realmId, and reads the company', async () => {
    const sim = simulate();
    const connector = quickbooks(options);
    let grant: Awaited<ReturnType<typeof connectWith>> | undefined;
    const seen = await recorded(async () => {
      grant = await connectWith(connector, sim);
    });
    expect(seen.map((request) => `${request.method} ${request.url.split('?')[0]}`)).toEqual([
      'POST https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
      `GET ${QUICKBOOKS_API}/v3/company/${QUICKBOOKS_REALM_ID}/companyinfo/${QUICKBOOKS_REALM_ID}`,
    ]);
    const [token, company] = seen;
    expect(token?.authorization).toBe(basic);
    expect(token?.type).toContain('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      grant_type: 'authorization_code',
      code: expect.stringMatching(/^AB11/),
      redirect_uri: QUICKBOOKS_REDIRECT_URI,
    });
    expect(new URL(company?.url as string).searchParams.get('minorversion')).toBe('75');
    expect(company?.authorization).toBe(`Bearer ${sim.issued[0]?.access_token}`);

    expect(grant?.secret).toEqual(sim.issued[0]);
    expect(grant?.publicData).toMatchObject({
      realm_id: QUICKBOOKS_REALM_ID,
      environment: 'production',
      company_name: "Joe's Coffee LLC",
      country: 'US',
    });
    // Intuit says how long in seconds: an hour for the access token, about 100 days for the refresh token.
    const expires = Date.parse(grant?.expiresAt as string) - Date.now();
    expect(expires).toBeGreaterThan(3590_000);
    expect(expires).toBeLessThanOrEqual(3600_000);
    expect(Date.parse(grant?.publicData.refresh_token_expires_at as string) - Date.now()).toBeGreaterThan(
      99 * 86_400_000,
    );
    expect(connector.account?.accountId(grant?.publicData as never)).toBe(QUICKBOOKS_REALM_ID);
  });

  it('refreshes with the refresh token alone and hands back the rotated pair', async () => {
    const sim = simulate();
    const connector = quickbooks(options);
    const grant = await connectWith(connector, sim);
    let refreshed: Awaited<ReturnType<NonNullable<typeof connector.refresh>>> | undefined;
    const seen = await recorded(async () => {
      refreshed = await connector.refresh?.(grant, context);
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.authorization).toBe(basic);
    expect(Object.fromEntries(new URLSearchParams(seen[0]?.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: grant.secret.refresh_token,
    });
    expect(refreshed?.secret).toEqual(sim.issued[1]);
    expect(refreshed?.secret.refresh_token).not.toBe(grant.secret.refresh_token);
    expect(refreshed?.publicData).toMatchObject({ realm_id: QUICKBOOKS_REALM_ID, company_name: "Joe's Coffee LLC" });
    // The old refresh token is spent: using it again is Intuit's invalid_grant, a reconnect.
    await expect(connector.refresh?.(grant, context)).rejects.toMatchObject({
      code: 'QUICKBOOKS_TOKEN_EXPIRED',
      needsReconnect: true,
      details: { quickbooks_status: 400, oauth_error: 'invalid_grant' },
    });
  });

  it('calls a sandbox company on the sandbox host, or on QUICKBOOKS_API_BASE', async () => {
    expect(QUICKBOOKS_API_HOSTS.sandbox).toBe(QUICKBOOKS_SANDBOX_API);
    const sandbox = simulate({ api: QUICKBOOKS_SANDBOX_API });
    const grant = await connectWith(quickbooksFromEnv({ ...env, QUICKBOOKS_ENVIRONMENT: 'sandbox' }), sandbox);
    expect(grant.publicData.environment).toBe('sandbox');
    expect(sandbox.calls.companyinfo).toBe(1);

    const elsewhere = simulate({ api: 'http://qbo-api.test:9001' });
    const connector = quickbooksFromEnv({ ...env, QUICKBOOKS_API_BASE: 'http://qbo-api.test:9001' });
    await connectWith(connector, elsewhere);
    expect(elsewhere.calls.companyinfo).toBe(1);
  });

  it('refuses a redirect without a company id, or with one that is not Intuit’s, before spending the code', async () => {
    const sim = simulate();
    const connector = quickbooks(options);
    for (const realmId of ['', '../../other', 'abc123']) {
      await expect(connectWith(connector, sim, realmId)).rejects.toMatchObject({ code: 'QUICKBOOKS_OAUTH_FAILED' });
    }
    expect(sim.calls.token).toBe(0);
  });

  it('connects only a company the new token can read: the redirect names it, the token must prove it', async () => {
    const sim = simulate();
    const connector = quickbooks(options);
    await expect(connectWith(connector, sim, '1234567890')).rejects.toMatchObject({
      code: 'QUICKBOOKS_OAUTH_FAILED',
      details: { quickbooks_status: 401 },
      message: expect.stringContaining('cannot read the company named in the redirect (HTTP 401)'),
    });
    expect(sim.calls).toMatchObject({ token: 1, companyinfo: 1 });
  });

  it('maps Intuit’s answers to the code exchange and the refresh', async () => {
    const sim = simulate();
    const connector = quickbooks(options);
    const back = sim.approve(connector.authorizationUrl('s', context));
    const redirect = oauthRedirect(Object.fromEntries(back.searchParams));
    await connector.exchange(redirect, context);
    // A code is single use.
    await expect(connector.exchange(redirect, context)).rejects.toMatchObject({
      code: 'QUICKBOOKS_OAUTH_FAILED',
      message: 'Intuit did not accept the authorization code (invalid_grant). Start the connection again.',
    });

    const wrongSecret = quickbooks({ ...options, clientSecret: 'not-the-secret' });
    const grant = await connectWith(connector, sim);
    await expect(wrongSecret.refresh?.(grant, context)).rejects.toMatchObject({
      code: 'QUICKBOOKS_REQUEST_REJECTED',
      needsReconnect: false,
      details: { quickbooks_status: 401, oauth_error: 'invalid_client' },
    });

    // An outage during a refresh is not a dead token, and is not retried (the token may be single use).
    const before = sim.calls.refresh;
    mock.use(
      http.post(INTUIT_OAUTH_ENDPOINTS.token, () => HttpResponse.json({ error: 'server_error' }, { status: 503 })),
    );
    await expect(connector.refresh?.(grant, context)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      needsReconnect: false,
    });
    expect(sim.calls.refresh).toBe(before);
  });

  it('summarises the company from CompanyInfo and Preferences, in words its labels name', async () => {
    const sim = simulate({
      company: quickbooksCompany({ CompanyName: 'Bistro Books', Country: 'CA', FiscalYearStartMonth: 'Apr' }),
      currency: quickbooksCurrency('CAD'),
    });
    const connector = quickbooks(options);
    const grant = await connectWith(connector, sim);
    const summary = await connector.summary(grant, context);
    expect(summary).toEqual({
      company_name: 'Bistro Books',
      country: 'CA',
      fiscal_year_start: 'April',
      home_currency: 'CAD',
      realm_id: QUICKBOOKS_REALM_ID,
      environment: 'production',
    });
    expect(Object.keys(connector.labels ?? {}).sort()).toEqual(Object.keys(summary).sort());
    expect(await connector.test(grant, context)).toEqual({
      message: 'QuickBooks answered: company "Bistro Books" is reachable.',
    });
    expect(connector.statusFields?.(grant.publicData)).toEqual({
      realm_id: QUICKBOOKS_REALM_ID,
      company_name: 'Bistro Books',
      environment: 'production',
      access_token_expires_at: grant.publicData.access_token_expires_at,
    });
  });

  it('passes a fault’s message on, asks for a renewal on 401, and retries 429', async () => {
    const sim = simulate();
    const connector = quickbooks(options);
    const grant = await connectWith(connector, sim);

    mock.use(
      http.get(companyInfoUrl, () =>
        HttpResponse.json(
          {
            Fault: {
              Error: [
                { Message: 'Object Not Found', Detail: 'Something you are trying to use was not found', code: '610' },
              ],
              type: 'ValidationFault',
            },
          },
          { status: 400, headers: { intuit_tid: '1-abc-tid' } },
        ),
      ),
    );
    await expect(connector.test(grant, context)).rejects.toMatchObject({
      code: 'QUICKBOOKS_REQUEST_REJECTED',
      message:
        'QuickBooks rejected the request (HTTP 400). Object Not Found: Something you are trying to use was not found (code 610).',
      details: { quickbooks_status: 400, quickbooks_code: '610', intuit_tid: '1-abc-tid' },
    });

    // Some 401 bodies spell the keys in lower case.
    mock.use(
      http.get(companyInfoUrl, () =>
        HttpResponse.json(
          { fault: { error: [{ message: 'message=AuthenticationFailed', code: '3200' }], type: 'AUTHENTICATION' } },
          { status: 401 },
        ),
      ),
    );
    await expect(connector.test(grant, context)).rejects.toMatchObject({
      code: 'QUICKBOOKS_TOKEN_EXPIRED',
      needsReconnect: true,
      details: { quickbooks_status: 401, quickbooks_code: '3200' },
    });

    let attempts = 0;
    mock.use(
      http.get(companyInfoUrl, () => {
        attempts += 1;
        return HttpResponse.json({}, { status: 429, headers: { 'retry-after': '0' } });
      }),
    );
    await expect(connector.test(grant, context)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(attempts).toBe(3);
  });

  it('revokes the grant with the refresh token: its access token stops working too', async () => {
    const sim = simulate();
    const connector = quickbooks(options);
    const grant = await connectWith(connector, sim);
    const seen = await recorded(() => connector.revoke?.(grant, context) ?? Promise.resolve());
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
    ]);
    expect(seen[0]?.authorization).toBe(basic);
    expect(JSON.parse(seen[0]?.body ?? '{}')).toEqual({ token: grant.secret.refresh_token });
    expect(sim.isRevoked(grant.secret.access_token)).toBe(true);
    await expect(connector.test(grant, context)).rejects.toMatchObject({ code: 'QUICKBOOKS_TOKEN_EXPIRED' });
  });

  it('names the fiscal year’s first month in full', () => {
    expect(['January', 'Jan', 'sep', 'September'].map(fiscalYearStart)).toEqual([
      'January',
      'January',
      'September',
      'September',
    ]);
    expect(fiscalYearStart('')).toBeNull();
    expect(fiscalYearStart('Q2')).toBe('Q2');
  });
});
