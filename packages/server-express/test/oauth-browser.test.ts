import { clover } from '@pos/connector-clover';
import { stripe } from '@pos/connector-stripe';
import {
  CLOVER_APP_ID,
  CLOVER_APP_SECRET,
  CLOVER_REDIRECT_URI,
  cloverSimulation,
  cookiesOf,
  STRIPE_CLIENT_ID,
  STRIPE_REDIRECT_URI,
  STRIPE_SECRET_KEY,
  type StripeSimulation,
  stripeSimulation,
  useProviderMock,
} from '@pos/test-support';
import type express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshot, startTestServer, type TestServer, type TestServerOptions } from './harness.js';

const mock = useProviderMock();
const fast = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };
let sim: StripeSimulation;
let server: TestServer;
afterEach(() => server?.close());

async function start(options: TestServerOptions = {}) {
  sim = stripeSimulation();
  const clv = cloverSimulation();
  mock.use(...sim.handlers, ...clv.handlers);
  server = await startTestServer({
    connectors: [
      stripe({
        clientId: STRIPE_CLIENT_ID,
        secretKey: STRIPE_SECRET_KEY,
        redirectUri: STRIPE_REDIRECT_URI,
        retry: fast,
      }),
      clover({ appId: CLOVER_APP_ID, appSecret: CLOVER_APP_SECRET, redirectUri: CLOVER_REDIRECT_URI, retry: fast }),
    ],
    ...options,
  });
  return { clover: clv };
}

async function begin(provider = 'stripe', tenantId = 'tenant-a', prefix = '') {
  const started = await server.as(tenantId)('POST', `${prefix}/api/integrations/${provider}/auth-url`);
  expect(started.status).toBe(200);
  return { started, cookie: cookiesOf(started) };
}

function land(back: URL, cookie?: string, provider = 'stripe', prefix = '') {
  return server.anonymous('GET', `${prefix}/api/integrations/${provider}/callback${back.search}`, {
    ...(cookie === undefined ? {} : { headers: { cookie } }),
  });
}

function outcome(response: { status: number; headers: Headers }) {
  expect(response.status).toBe(302);
  return Object.fromEntries(new URL(response.headers.get('location') as string, 'http://pos.test').searchParams);
}

describe('An OAuth flow is bound to the browser that asked for its auth URL', () => {
  it('sets an HttpOnly, SameSite=Lax cookie for the callback path only, holding no state', async () => {
    await start();
    const { started } = await begin();
    const [setCookie, ...others] = started.headers.getSetCookie();
    expect(others).toEqual([]);
    expect(setCookie).toMatch(/^pos_oauth_[A-Za-z0-9_-]{12}=[A-Za-z0-9_-]{43}; /);
    const attributes = (setCookie as string).split('; ').slice(1);
    expect(attributes).toEqual(
      expect.arrayContaining(['Max-Age=600', 'Path=/api/integrations/stripe/callback', 'HttpOnly', 'SameSite=Lax']),
    );
    expect(attributes).not.toContain('Secure');
    expect(setCookie).not.toContain(started.body.state as string);
  });

  it('refuses a callback without the cookie, spends nothing, and lets the right browser finish', async () => {
    await start();
    const { started, cookie } = await begin();
    const back = sim.approve(started.body.auth_url as string);
    const before = snapshot(server.storage);

    const elsewhere = await land(back);
    expect(outcome(elsewhere)).toEqual({ provider: 'stripe', status: 'error', error_code: 'STRIPE_STATE_INVALID' });
    expect(elsewhere.headers.getSetCookie()).toEqual([]);
    // The state is still there and the code was never sent to Stripe.
    expect(snapshot(server.storage)).toEqual(before);
    expect(sim.calls.token).toBe(0);
    expect(server.logger.lines.some((line) => line.includes('OAuth callback without the cookie of its flow'))).toBe(
      true,
    );

    const mine = await land(back, cookie);
    expect(outcome(mine)).toEqual({ provider: 'stripe', status: 'connected' });
    // The cookie is cleared once its state is spent.
    const [cleared] = mine.headers.getSetCookie();
    expect(cleared).toMatch(new RegExp(`^${cookie.split('=')[0]}=; `));
    expect(cleared).toContain('Expires=Thu, 01 Jan 1970');
    expect(cleared).toContain('Path=/api/integrations/stripe/callback');
    expect((await server.as('tenant-a')('GET', '/api/integrations/stripe/status')).body.connected).toBe(true);
  });

  it('refuses another flow’s cookie and a forged value, and keeps two tabs’ flows apart', async () => {
    await start();
    const first = await begin();
    const second = await begin('stripe', 'tenant-b');
    const back = sim.approve(first.started.body.auth_url as string);
    const [name] = first.cookie.split('=');
    const before = snapshot(server.storage);
    for (const wrong of [second.cookie, `${name}=${'A'.repeat(43)}`, `${name}=`, 'pos_oauth_x=1']) {
      expect(outcome(await land(back, wrong))).toMatchObject({ error_code: 'STRIPE_STATE_INVALID' });
    }
    expect(snapshot(server.storage)).toEqual(before);
    expect(sim.calls.token).toBe(0);

    // One browser, two tabs, two flows: both cookies travel, each callback finds its own.
    const jar = `${first.cookie}; ${second.cookie}`;
    expect(outcome(await land(back, jar))).toEqual({ provider: 'stripe', status: 'connected' });
    await server.as('tenant-a')('DELETE', '/api/integrations/stripe/disconnect');
    const backB = sim.approve(second.started.body.auth_url as string);
    expect(outcome(await land(backB, jar))).toEqual({ provider: 'stripe', status: 'connected' });
    expect((await server.as('tenant-b')('GET', '/api/integrations/stripe/status')).body.connected).toBe(true);
  });

  it('holds for Clover, whose state rides in the redirect URI, with CLOVER_STATE_INVALID', async () => {
    const { clover: clv } = await start();
    const { started, cookie } = await begin('clover');
    expect(started.headers.getSetCookie()[0]).toContain('Path=/api/integrations/clover/callback');
    const back = clv.approve(started.body.auth_url as string);
    const before = snapshot(server.storage);
    expect(outcome(await land(back, undefined, 'clover'))).toEqual({
      provider: 'clover',
      status: 'error',
      error_code: 'CLOVER_STATE_INVALID',
    });
    expect(snapshot(server.storage)).toEqual(before);
    expect(clv.calls.token).toBe(0);
    expect(outcome(await land(back, cookie, 'clover'))).toEqual({ provider: 'clover', status: 'connected' });
  });

  it('scopes the cookie under the router’s mount path, and marks it Secure over https', async () => {
    // What Express reports behind a TLS-terminating proxy with `trust proxy` set.
    const https: express.RequestHandler = (req, _res, next) => {
      Object.defineProperty(req, 'secure', { value: true });
      next();
    };
    await start({ mountPath: '/pos', before: [https] });
    const { started, cookie } = await begin('stripe', 'tenant-a', '/pos');
    const attributes = (started.headers.getSetCookie()[0] as string).split('; ');
    expect(attributes).toEqual(expect.arrayContaining(['Path=/pos/api/integrations/stripe/callback', 'Secure']));
    const back = sim.approve(started.body.auth_url as string);
    expect(outcome(await land(back, cookie, 'stripe', '/pos'))).toEqual({ provider: 'stripe', status: 'connected' });
  });
});
