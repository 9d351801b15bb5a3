import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, cookiesOf } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogger, createReferenceServer, DEMO_API_KEY, type RunningServer, readConfig } from '../src/index.js';

let dir: string;
let server: RunningServer;
const api = () => apiClient(server.url, { token: DEMO_API_KEY });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-reference-checkout-'));
  const config = readConfig({ PORT: '0', POS_DB_PATH: join(dir, 'pos.db') }, 'demo');
  server = await (
    await createReferenceServer(
      config,
      consoleLogger(() => {}),
    )
  ).listen();
  // Connect the demo Stripe account through the simulated consent page.
  const started = await api()('POST', '/api/integrations/stripe/auth-url');
  const decision = await fetch(new URL('/demo/stripe/oauth/authorize/decision', server.url), {
    method: 'POST',
    body: new URLSearchParams({
      decision: 'approve',
      redirect_uri: `${server.url}/api/integrations/stripe/callback`,
      state: new URL(started.body.auth_url as string).searchParams.get('state') as string,
      scope: 'read_write',
    }),
    redirect: 'manual',
  });
  const landed = await fetch(decision.headers.get('location') as string, {
    redirect: 'manual',
    headers: { cookie: cookiesOf(started) },
  });
  expect(landed.headers.get('location')).toContain('status=connected');
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a browser does on the simulated hosted page: load it and press a button. */
async function press(checkoutUrl: string, decision: 'pay' | 'cancel') {
  const page = await fetch(checkoutUrl);
  expect(page.status).toBe(200);
  expect(page.headers.get('x-simulated')).toBe('stripe');
  const html = await page.text();
  expect(html).toContain('SIMULATION: this is not Stripe');
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] as string;
  const pressed = await fetch(new URL(action, checkoutUrl), {
    method: 'POST',
    body: new URLSearchParams({ decision }),
    redirect: 'manual',
  });
  expect(pressed.status).toBe(303);
  const landing = await fetch(pressed.headers.get('location') as string);
  return { html, landing, location: new URL(pressed.headers.get('location') as string) };
}

describe('demo mode checkout', () => {
  it('pays through the simulated hosted page, whose signed webhook marks the order paid', async () => {
    expect((await api()('GET', '/api/capabilities')).body).toMatchObject({ features: { payments: true } });
    const created = await api()('POST', '/api/payments/checkout-session', {
      body: { order_id: 'DEMO-1', amount: 4250, currency: 'usd' },
    });
    expect(created.status).toBe(200);
    expect(created.body.checkout_url).toBe(`${server.url}/demo/stripe/checkout/pay/${created.body.session_id}`);

    const { html, landing, location } = await press(created.body.checkout_url as string, 'pay');
    expect(html).toContain('$42.50');
    expect(location.pathname + location.search).toBe('/checkout/return?order_id=DEMO-1&result=success');
    expect(await landing.text()).toContain('data-status="paid"');

    const payment = await api()('GET', '/api/payments/orders/DEMO-1/payment');
    expect(payment.body).toMatchObject({ status: 'paid', checkout_url: null });
    expect(payment.body.events).toEqual([
      expect.objectContaining({ type: 'checkout.session.completed', applied: true }),
    ]);
    // The page is gone once paid.
    expect((await fetch(created.body.checkout_url as string)).status).toBe(410);
  });

  it('cancels through the hosted page: the session expires and a new one can be opened', async () => {
    const created = await api()('POST', '/api/payments/checkout-session', {
      body: { order_id: 'DEMO-2', amount: 999, currency: 'eur' },
    });
    const { location, landing } = await press(created.body.checkout_url as string, 'cancel');
    expect(location.search).toBe('?order_id=DEMO-2&result=cancel');
    expect(await landing.text()).toContain('data-status="expired"');
    expect((await api()('GET', '/api/payments/orders/DEMO-2/payment')).body).toMatchObject({ status: 'expired' });
    const again = await api()('POST', '/api/payments/checkout-session', {
      body: { order_id: 'DEMO-2', amount: 999, currency: 'eur' },
    });
    expect(again.body).toMatchObject({ status: 'pending', attempt: 2 });
  });

  it('opens a checkout for the demo tenant from a link, and keeps its webhook secret across restarts', async () => {
    const link = await fetch(`${server.url}/demo/checkout?amount=1234&currency=usd&order_id=DEMO-3`, {
      redirect: 'manual',
    });
    expect(link.status).toBe(302);
    expect(link.headers.get('location')).toMatch(new RegExp(`^${server.url}/demo/stripe/checkout/pay/cs_test_demo`));
    const secret = readFileSync(join(dir, 'demo-stripe-webhook.secret'), 'utf8').trim();
    expect(secret).toMatch(/^whsec_demo/);
    // A delivery signed with anything else is refused.
    const forged = await fetch(`${server.url}/api/payments/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
      body: '{}',
    });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error_code: 'WEBHOOK_SIGNATURE_INVALID' });
  });
});
