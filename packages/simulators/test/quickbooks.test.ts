import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createQuickBooksSimulator,
  nodeListener,
  QUICKBOOKS_CLIENT_ID,
  QUICKBOOKS_CLIENT_SECRET,
  QUICKBOOKS_REALM_ID,
  type QuickBooksSimulator,
} from '@pos/simulators';
import { afterAll, describe, expect, it } from 'vitest';

const REDIRECT = 'https://pos.example/api/integrations/quickbooks/callback';
const BASIC = `Basic ${Buffer.from(`${QUICKBOOKS_CLIENT_ID}:${QUICKBOOKS_CLIENT_SECRET}`).toString('base64')}`;
const servers: Array<ReturnType<typeof createServer>> = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** The whole simulated Intuit on one real port, as demo mode serves it. */
async function serve(quickbooks: QuickBooksSimulator): Promise<string> {
  const server = createServer(nodeListener(quickbooks.simulator));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const authorize = (base: string, overrides: Record<string, string> = {}) =>
  new URL(
    `${base}/connect/oauth2?${new URLSearchParams({
      client_id: QUICKBOOKS_CLIENT_ID,
      response_type: 'code',
      scope: 'com.intuit.quickbooks.accounting',
      redirect_uri: REDIRECT,
      state: 'st-1',
      ...overrides,
    })}`,
  );

const token = (base: string, fields: Record<string, string>, authorization = BASIC) =>
  fetch(`${base}/oauth2/v1/tokens/bearer`, {
    method: 'POST',
    headers: { authorization, accept: 'application/json' },
    body: new URLSearchParams(fields),
  });

const company = (base: string, accessToken: string) =>
  fetch(`${base}/v3/company/${QUICKBOOKS_REALM_ID}/companyinfo/${QUICKBOOKS_REALM_ID}?minorversion=75`, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });

describe('the simulated Intuit and QuickBooks Online', () => {
  it('shows the consent page only for the app, its redirect URI and the accounting scope', async () => {
    const quickbooks = createQuickBooksSimulator({ redirectUri: () => REDIRECT });
    const base = await serve(quickbooks);
    const page = await fetch(authorize(base));
    expect(page.status).toBe(200);
    expect(page.headers.get('x-simulated')).toBe('quickbooks');
    expect(await page.text()).toContain('SIMULATION');
    const wrongs: Array<Record<string, string>> = [
      { client_id: 'other' },
      { redirect_uri: 'https://evil.example/cb' },
      { scope: 'openid' },
    ];
    for (const wrong of wrongs) {
      expect((await fetch(authorize(base, wrong))).status).toBe(400);
    }
    const back = quickbooks.consent(authorize(base).searchParams, true);
    expect([...back.searchParams.keys()]).toEqual(['code', 'state', 'realmId']);
    expect(quickbooks.consent(authorize(base).searchParams, false).search).toBe('?error=access_denied&state=st-1');
  });

  it('exchanges a code once, for the app and the redirect URI it was issued for', async () => {
    const quickbooks = createQuickBooksSimulator();
    const base = await serve(quickbooks);
    const code = () => quickbooks.consent(authorize(base).searchParams, true).searchParams.get('code') as string;
    const first = code();
    const other = `Basic ${Buffer.from(`${QUICKBOOKS_CLIENT_ID}:wrong`).toString('base64')}`;
    const refused = await token(base, { grant_type: 'authorization_code', code: first, redirect_uri: REDIRECT }, other);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client' });

    const granted = await token(base, { grant_type: 'authorization_code', code: first, redirect_uri: REDIRECT });
    expect(granted.status).toBe(200);
    expect(await granted.json()).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      x_refresh_token_expires_in: 8726400,
      access_token: quickbooks.issued[0]?.access_token,
      refresh_token: quickbooks.issued[0]?.refresh_token,
    });
    const again = await token(base, { grant_type: 'authorization_code', code: first, redirect_uri: REDIRECT });
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });

    const mismatched = await token(base, {
      grant_type: 'authorization_code',
      code: code(),
      redirect_uri: 'https://x/',
    });
    expect(mismatched.status).toBe(400);
    expect(await mismatched.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await token(base, { grant_type: 'password' })).status).toBe(400);
  });

  it('rotates the refresh token on every renewal and refuses a spent one; revoking ends the whole grant', async () => {
    const quickbooks = createQuickBooksSimulator();
    const base = await serve(quickbooks);
    const code = quickbooks.consent(authorize(base).searchParams, true).searchParams.get('code') as string;
    await token(base, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    const [first] = quickbooks.issued;
    const renewed = await token(base, { grant_type: 'refresh_token', refresh_token: first?.refresh_token ?? '' });
    const second = (await renewed.json()) as { access_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first?.refresh_token);
    const reused = await token(base, { grant_type: 'refresh_token', refresh_token: first?.refresh_token ?? '' });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    expect(quickbooks.calls.refresh).toBe(2);

    const answer = await company(base, second.access_token);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('intuit_tid')).toBeTruthy();
    expect(await answer.json()).toMatchObject({ CompanyInfo: { CompanyName: "Joe's Coffee LLC", Country: 'US' } });

    const revoked = await fetch(`${base}/v2/oauth2/tokens/revoke`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': 'application/json' },
      body: JSON.stringify({ token: second.refresh_token }),
    });
    expect(revoked.status).toBe(200);
    const refused = await company(base, second.access_token);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ Fault: { Error: [{ code: '3200' }], type: 'AUTHENTICATION' } });
    expect((await token(base, { grant_type: 'refresh_token', refresh_token: second.refresh_token })).status).toBe(400);
  });

  it('keeps its tokens valid across a restart when it signs with a fixed key', async () => {
    const options = { signingKey: 'fixed key for this test' };
    const before = createQuickBooksSimulator(options);
    const beforeBase = await serve(before);
    const code = before.consent(authorize(beforeBase).searchParams, true).searchParams.get('code') as string;
    await token(beforeBase, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    const after = createQuickBooksSimulator(options);
    const afterBase = await serve(after);
    expect((await company(afterBase, before.issued[0]?.access_token ?? '')).status).toBe(200);
    const preferences = await fetch(`${afterBase}/v3/company/${QUICKBOOKS_REALM_ID}/preferences`, {
      headers: { authorization: `Bearer ${before.issued[0]?.access_token}` },
    });
    expect(await preferences.json()).toMatchObject({
      Preferences: { CurrencyPrefs: { HomeCurrency: { value: 'USD' }, MultiCurrencyEnabled: false } },
    });
    after.revokeAccessTokens();
    expect((await company(afterBase, before.issued[0]?.access_token ?? '')).status).toBe(401);
  });
});
