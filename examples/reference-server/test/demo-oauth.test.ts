import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, cookiesOf } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleLogger,
  createReferenceServer,
  DEMO_API_KEY,
  DEMO_CLOVER_MERCHANT,
  DEMO_QUICKBOOKS_REALM,
  DEMO_STRIPE_ACCOUNT,
  type RunningServer,
  readConfig,
} from '../src/index.js';
import { consent, decode } from './support/consent.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-reference-oauth-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(env: Record<string, string>, mode: 'demo' | 'real', lines: string[] = []): Promise<RunningServer> {
  const config = readConfig({ PORT: '0', POS_DB_PATH: join(dir, `${mode}-${Math.random()}.db`), ...env }, mode);
  return (
    await createReferenceServer(
      config,
      consoleLogger((line) => lines.push(line)),
    )
  ).listen();
}

describe('demo mode OAuth round trips', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({}, 'demo');
  });
  afterAll(() => server.close());

  it('connects Stripe through the simulated consent page, then reads, tests and disconnects it', async () => {
    const api = apiClient(server.url, { token: DEMO_API_KEY });
    const started = await api('POST', '/api/integrations/stripe/auth-url');
    expect(started.body.auth_url).toMatch(new RegExp(`^${server.url}/demo/stripe/oauth/authorize\\?`));

    const { page, callbackUrl, landing } = await consent(
      started.body.auth_url as string,
      'approve',
      cookiesOf(started),
    );
    expect(page.headers.get('x-simulated')).toBe('stripe');
    expect(callbackUrl).toMatch(new RegExp(`^${server.url}/api/integrations/stripe/callback\\?code=ac_`));
    expect(landing.pathname + landing.search).toBe('/settings/integrations?provider=stripe&status=connected');
    expect((await fetch(landing)).status).toBe(200); // the settings page, whose cards read the status

    expect((await api('GET', '/api/integrations/stripe/status')).body).toMatchObject({
      connected: true,
      account_id: DEMO_STRIPE_ACCOUNT,
      business_name: 'Demo Coffee (simulated)',
    });
    expect((await api('GET', '/api/integrations/stripe/summary')).body).toMatchObject({
      business_name: 'Demo Coffee (simulated)',
      country: 'US',
      default_currency: 'usd',
      account_id_masked: 'acct_...ated',
    });
    expect((await api('POST', '/api/integrations/stripe/test')).body).toMatchObject({ success: true });
    expect((await api('DELETE', '/api/integrations/stripe/disconnect')).body).toMatchObject({ success: true });
    const logs = await api('GET', '/api/integrations/stripe/logs');
    expect((logs.body.logs as Array<{ event: string; level: string }>).map((row) => row.event)).toEqual([
      'disconnected',
      'tested',
      'connected',
    ]);
  });

  it('connects Clover through its simulated consent page, merchant id from the redirect', async () => {
    const api = apiClient(server.url, { token: DEMO_API_KEY });
    const started = await api('POST', '/api/integrations/clover/auth-url');
    expect(started.body.auth_url).toMatch(new RegExp(`^${server.url}/demo/clover/oauth/v2/authorize\\?`));

    const { page, callbackUrl, landing } = await consent(
      started.body.auth_url as string,
      'approve',
      cookiesOf(started),
    );
    expect(page.headers.get('x-simulated')).toBe('clover');
    const callback = new URL(callbackUrl);
    expect(callback.searchParams.get('merchant_id')).toBe(DEMO_CLOVER_MERCHANT);
    expect(callback.searchParams.getAll('state')).toEqual([started.body.state]);
    expect(landing.search).toBe('?provider=clover&status=connected');

    expect((await api('GET', '/api/integrations/clover/status')).body).toMatchObject({
      connected: true,
      merchant_id: DEMO_CLOVER_MERCHANT,
      merchant_name: 'Demo Bakery (simulated)',
    });
    expect((await api('GET', '/api/integrations/clover/summary')).body).toEqual({
      merchant_name: 'Demo Bakery (simulated)',
      address: '2 Market St, Springfield, IL 62701, US',
      merchant_id: DEMO_CLOVER_MERCHANT,
    });
    expect((await api('POST', '/api/integrations/clover/test')).body).toMatchObject({ success: true });
    expect((await api('DELETE', '/api/integrations/clover/disconnect')).body).toMatchObject({ success: true });
  });

  it('connects QuickBooks through its simulated consent page, realmId from the redirect, and revokes on disconnect', async () => {
    const api = apiClient(server.url, { token: DEMO_API_KEY });
    expect((await api('GET', '/api/capabilities')).body).toMatchObject({ features: { quickbooks: true } });
    const started = await api('POST', '/api/integrations/quickbooks/auth-url');
    const authUrl = new URL(started.body.auth_url as string);
    expect(`${authUrl.origin}${authUrl.pathname}`).toBe(`${server.url}/demo/quickbooks/connect/oauth2`);
    expect(authUrl.searchParams.get('scope')).toBe('com.intuit.quickbooks.accounting');

    const { page, callbackUrl, landing } = await consent(authUrl.href, 'approve', cookiesOf(started));
    expect(page.headers.get('x-simulated')).toBe('quickbooks');
    expect(new URL(callbackUrl).searchParams.get('realmId')).toBe(DEMO_QUICKBOOKS_REALM);
    expect(landing.search).toBe('?provider=quickbooks&status=connected');

    expect((await api('GET', '/api/integrations/quickbooks/status')).body).toMatchObject({
      connected: true,
      realm_id: DEMO_QUICKBOOKS_REALM,
      company_name: 'Demo Coffee Books (simulated)',
      environment: 'sandbox',
    });
    expect((await api('GET', '/api/integrations/quickbooks/summary')).body).toEqual({
      company_name: 'Demo Coffee Books (simulated)',
      country: 'US',
      fiscal_year_start: 'April',
      home_currency: 'USD',
      realm_id: DEMO_QUICKBOOKS_REALM,
      environment: 'sandbox',
      reachable: true,
      receipts_pushed: 0,
      receipts_failed: 0,
      last_push_at: null,
      pending: 0,
    });
    expect((await api('DELETE', '/api/integrations/quickbooks/disconnect')).body).toMatchObject({ success: true });
    // The simulated Intuit confirmed the revocation: no revoke_failed row.
    const logs = await api('GET', '/api/integrations/quickbooks/logs');
    expect((logs.body.logs as Array<{ event: string }>).map((row) => row.event)).toEqual(['disconnected', 'connected']);
  });

  it('reports a denied consent back to the settings page', async () => {
    const api = apiClient(server.url, { token: DEMO_API_KEY });
    const started = await api('POST', '/api/integrations/stripe/auth-url');
    const { landing } = await consent(started.body.auth_url as string, 'deny', cookiesOf(started));
    expect(landing.search).toBe('?provider=stripe&status=error&error_code=STRIPE_OAUTH_FAILED');
    expect((await api('GET', '/api/integrations/stripe/status')).body).toMatchObject({ connected: false });
  });

  it('starts a round trip for the demo tenant from a plain link, for browsers', async () => {
    const response = await fetch(`${server.url}/demo/connect/clover`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const { landing } = await consent(response.headers.get('location') as string, 'approve', cookiesOf(response));
    expect(landing.search).toBe('?provider=clover&status=connected');
    expect((await fetch(`${server.url}/demo/connect/square`, { redirect: 'manual' })).status).toBe(404);
  });

  it('marks every simulated provider response', async () => {
    for (const path of [
      '/demo/stripe/v1/accounts/acct_x',
      '/demo/clover/v3/merchants/X',
      '/demo/quickbooks/v3/company/1/preferences',
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(401);
      expect(response.headers.get('x-simulated')).toMatch(/^(stripe|clover|quickbooks)$/);
    }
  });
});

describe('demo mode: a paid order reaches the simulated QuickBooks', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ POS_SYNC_INTERVAL_MS: '1000' }, 'demo');
  });
  afterAll(() => server.close());

  it('records one SalesReceipt for a checkout paid on the simulated hosted page', async () => {
    const api = apiClient(server.url, { token: DEMO_API_KEY });
    for (const provider of ['stripe', 'quickbooks']) {
      const started = await api('POST', `/api/integrations/${provider}/auth-url`);
      const { landing } = await consent(started.body.auth_url as string, 'approve', cookiesOf(started));
      expect(landing.search).toBe(`?provider=${provider}&status=connected`);
    }
    expect((await api('GET', '/api/capabilities')).body).toMatchObject({ accounting_mode: 'sync' });

    const created = await api('POST', '/api/payments/checkout-session', {
      body: { order_id: 'DEMO-BOOKS-1', amount: 4250, currency: 'usd' },
    });
    const page = await (await fetch(created.body.checkout_url as string)).text();
    const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1] as string;
    const paid = await fetch(new URL(decode(action), created.body.checkout_url as string), {
      method: 'POST',
      body: new URLSearchParams({ decision: 'pay' }),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    expect((await api('GET', '/api/payments/orders/DEMO-BOOKS-1/payment')).body).toMatchObject({ status: 'paid' });

    // The accounting pass runs every second: wait for the receipt, then for another pass.
    const receipts = async () =>
      (await (await fetch(`${server.url}/demo/quickbooks/simulation/receipts`)).json()) as {
        receipts: Array<{ entity: string; DocNumber: string; TotalAmt: number; CurrencyRef: { value: string } }>;
      };
    await expect.poll(async () => (await receipts()).receipts.length, { timeout: 10_000, interval: 200 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await receipts()).receipts).toEqual([
      expect.objectContaining({ entity: 'SalesReceipt', DocNumber: 'DEMO-BOOKS-1', CurrencyRef: { value: 'USD' } }),
    ]);
    expect((await api('GET', '/api/integrations/quickbooks/summary')).body).toMatchObject({
      receipts_pushed: 1,
      receipts_failed: 0,
      pending: 0,
    });
  });
});

describe('real mode OAuth configuration', () => {
  const base = {
    POS_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    POS_API_KEYS: 'store-1:store-1-key-0123456789abcdef',
  };
  const api = (server: RunningServer) => apiClient(server.url, { token: 'store-1-key-0123456789abcdef' });

  it('mounts Stripe, Clover and QuickBooks only when their variables are set, and warns about half-set ones', async () => {
    const lines: string[] = [];
    const bare = await start(base, 'real', lines);
    try {
      expect((await api(bare)('GET', '/api/integrations/stripe/status')).status).toBe(404);
      expect((await api(bare)('GET', '/api/integrations/clover/status')).status).toBe(404);
      expect((await api(bare)('GET', '/api/integrations/quickbooks/status')).status).toBe(404);
      expect((await api(bare)('GET', '/api/capabilities')).body).toMatchObject({
        features: { stripe: false, clover: false, quickbooks: false },
      });
      expect((await fetch(`${bare.url}/demo/stripe/v1/accounts/x`)).status).toBe(404);
      expect(lines.join('\n')).not.toContain('not configured');
    } finally {
      await bare.close();
    }

    const half = await start(
      { ...base, STRIPE_CLIENT_ID: 'ca_Platform123', CLOVER_APP_ID: 'APP', QUICKBOOKS_CLIENT_SECRET: 'secret' },
      'real',
      lines,
    );
    try {
      expect((await api(half)('GET', '/api/integrations/stripe/status')).status).toBe(404);
      expect(lines.join('\n')).toContain('Stripe is not configured: set STRIPE_SECRET_KEY.');
      expect(lines.join('\n')).toContain('Clover is not configured: set CLOVER_APP_SECRET, CLOVER_REDIRECT_URI.');
      expect(lines.join('\n')).toContain(
        'QuickBooks is not configured: set QUICKBOOKS_CLIENT_ID, QUICKBOOKS_REDIRECT_URI.',
      );
    } finally {
      await half.close();
    }

    const full = await start(
      {
        ...base,
        STRIPE_CLIENT_ID: 'ca_Platform123',
        STRIPE_SECRET_KEY: 'sk_test_Platform123',
        STRIPE_REDIRECT_URI: 'https://pos.example/api/integrations/stripe/callback',
        CLOVER_APP_ID: 'APP',
        CLOVER_APP_SECRET: 'secret',
        CLOVER_REDIRECT_URI: 'https://pos.example/api/integrations/clover/callback',
        CLOVER_REGION: 'sandbox',
        QUICKBOOKS_CLIENT_ID: 'ABclient',
        QUICKBOOKS_CLIENT_SECRET: 'secret',
        QUICKBOOKS_REDIRECT_URI: 'https://pos.example/api/integrations/quickbooks/callback',
      },
      'real',
    );
    try {
      expect((await api(full)('GET', '/api/capabilities')).body).toMatchObject({
        features: { stripe: true, clover: true, quickbooks: true },
      });
      const quickbooksUrl = new URL(
        (await api(full)('POST', '/api/integrations/quickbooks/auth-url')).body.auth_url as string,
      );
      expect(`${quickbooksUrl.origin}${quickbooksUrl.pathname}`).toBe('https://appcenter.intuit.com/connect/oauth2');
      expect(quickbooksUrl.searchParams.get('redirect_uri')).toBe(
        'https://pos.example/api/integrations/quickbooks/callback',
      );
      const stripeUrl = (await api(full)('POST', '/api/integrations/stripe/auth-url')).body.auth_url as string;
      expect(stripeUrl).toMatch(/^https:\/\/connect\.stripe\.com\/oauth\/authorize\?/);
      const cloverUrl = (await api(full)('POST', '/api/integrations/clover/auth-url')).body.auth_url as string;
      expect(cloverUrl).toMatch(/^https:\/\/sandbox\.dev\.clover\.com\/oauth\/v2\/authorize\?/);
    } finally {
      await full.close();
    }
  });

  it('refuses to start with an invalid provider setting, and says which', async () => {
    await expect(
      start({ ...base, STRIPE_CLIENT_ID: 'ca_X1', STRIPE_SECRET_KEY: 'pk_test_nope' }, 'real'),
    ).rejects.toThrow(/secret key/);
    await expect(
      start(
        {
          ...base,
          CLOVER_APP_ID: 'A',
          CLOVER_APP_SECRET: 'B',
          CLOVER_REDIRECT_URI: 'https://x/cb',
          CLOVER_REGION: 'mars',
        },
        'real',
      ),
    ).rejects.toThrow('CLOVER_REGION must be one of na, eu, la, sandbox.');
    await expect(
      start(
        {
          ...base,
          QUICKBOOKS_CLIENT_ID: 'A',
          QUICKBOOKS_CLIENT_SECRET: 'B',
          QUICKBOOKS_REDIRECT_URI: 'https://x/cb',
          QUICKBOOKS_ENVIRONMENT: 'staging',
        },
        'real',
      ),
    ).rejects.toThrow('QUICKBOOKS_ENVIRONMENT must be one of production, sandbox.');
  });
});
