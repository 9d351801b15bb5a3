import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createCloverSimulator,
  createStripeSimulator,
  nodeListener,
  type Simulator,
  STRIPE_ACCOUNT_ID,
  STRIPE_CLIENT_ID,
  STRIPE_SECRET_KEY,
  stripeSignature,
} from '@pos/simulators';
import { mswHandlers } from '@pos/simulators/msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MSW_BASE = 'https://simulated.example/provider';
const mock = setupServer();
const servers: Array<ReturnType<typeof createServer>> = [];

/** `simulated` both behind msw at MSW_BASE/<name> and on a real port; returns the two bases. */
async function both(name: string, simulated: Simulator): Promise<[string, string]> {
  mock.use(...mswHandlers(simulated, `${MSW_BASE}/${name}`));
  const server = createServer(nodeListener(simulated));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return [`${MSW_BASE}/${name}`, `http://127.0.0.1:${port}`];
}

// Our own ports pass through; any other request msw has no answer for fails.
beforeAll(() =>
  mock.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  }),
);
afterAll(async () => {
  mock.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const platform = { authorization: `Bearer ${STRIPE_SECRET_KEY}` };

describe('one simulator over msw and over Node.js HTTP', () => {
  it('answers the same Stripe requests the same way on both transports, from one state', async () => {
    const stripe = createStripeSimulator();
    const bases = await both('stripe', stripe.simulator);
    for (const base of bases) {
      const authorize = new URL(`${base}/oauth/authorize`);
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: STRIPE_CLIENT_ID,
        state: 's1',
      }).toString();
      const page = await fetch(authorize);
      expect(page.headers.get('x-simulated')).toBe('stripe');
      expect(await page.text()).toContain('SIMULATION');
      const code = stripe.consent(authorize.searchParams, true).searchParams.get('code') as string;
      const exchange = (body: string) =>
        fetch(`${base}/oauth/token`, {
          method: 'POST',
          headers: { ...platform, 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
      const token = await exchange(`grant_type=authorization_code&code=${code}`);
      expect(token.status).toBe(200);
      expect(await token.json()).toMatchObject({ stripe_user_id: STRIPE_ACCOUNT_ID });
      expect(stripe.connected.has(STRIPE_ACCOUNT_ID)).toBe(true);
      // A second exchange of one code revokes the connection (shared/providers.md §1).
      const again = await exchange(`grant_type=authorization_code&code=${code}`);
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
      expect(stripe.connected.has(STRIPE_ACCOUNT_ID)).toBe(false);
      expect((await fetch(`${base}/v1/accounts/${STRIPE_ACCOUNT_ID}`, { headers: platform })).status).toBe(403);
      // What it does not simulate: a 404 on its own port, an unhandled request under msw.
      const unknown = fetch(`${base}/v1/nothing-here`, { headers: platform });
      if (base.startsWith(MSW_BASE)) await expect(unknown).rejects.toThrow();
      else expect((await unknown).status).toBe(404);
    }
    expect(stripe.calls.token).toBe(4);
  });

  it('pays a session on the hosted page: the session shows payment_intent, and a signed event is delivered', async () => {
    const events: Array<{ signature: string; body: string }> = [];
    const endpoint = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        events.push({ signature: String(req.headers['stripe-signature']), body });
        res.writeHead(200).end();
      });
    });
    servers.push(endpoint);
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const secret = 'whsec_transportsTest';
    const stripe = createStripeSimulator({
      connectedAccounts: [STRIPE_ACCOUNT_ID],
      webhook: { url: () => `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/`, secret },
    });
    const [, base] = await both('stripe-pay', stripe.simulator);
    const created = await fetch(`${base}/v1/checkout/sessions`, {
      method: 'POST',
      headers: {
        ...platform,
        'stripe-account': STRIPE_ACCOUNT_ID,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        mode: 'payment',
        success_url: 'https://pos.example/return?session={CHECKOUT_SESSION_ID}',
        'line_items[0][price_data][unit_amount]': '1250',
        'line_items[0][price_data][currency]': 'usd',
        'line_items[0][quantity]': '1',
        client_reference_id: 'A-1',
      }),
    });
    const session = (await created.json()) as { id: string; url: string; payment_intent: string | null };
    expect(session.payment_intent).toBeNull();
    expect(session.url).toBe(`${base}/checkout/pay/${session.id}`);
    const paid = await fetch(`${session.url}/decision`, {
      method: 'POST',
      body: new URLSearchParams({ decision: 'pay' }),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`https://pos.example/return?session=${session.id}`);
    expect(stripe.sessions.get(session.id)).toMatchObject({ status: 'complete', payment_status: 'paid', url: null });
    expect(stripe.sessions.get(session.id)?.payment_intent).toMatch(/^pi_/);
    expect(events).toHaveLength(1);
    const event = events[0] as { signature: string; body: string };
    const timestamp = Number(/t=(\d+)/.exec(event.signature)?.[1]);
    expect(event.signature).toBe(stripeSignature(event.body, secret, timestamp));
    expect(JSON.parse(event.body)).toMatchObject({ type: 'checkout.session.completed', account: STRIPE_ACCOUNT_ID });
    expect(stripe.webhooks).toEqual([{ type: 'checkout.session.completed', status: 200 }]);
  });

  it('keeps Clover tokens valid across a restart when it signs with a fixed key, and refuses revoked ones', async () => {
    const options = { signingKey: 'fixed key for this test' };
    const before = createCloverSimulator(options);
    const code = before.consent(new URL('https://pos.example/callback'), null, true).searchParams.get('code');
    const [mswBase] = await both('clover-before', before.simulator);
    const pair = (await (
      await fetch(`${mswBase}/oauth/v2/token`, {
        method: 'POST',
        body: JSON.stringify({
          client_id: 'TESTAPP0CLOVER',
          client_secret: 'clover-app-secret-0123456789abcdef',
          code,
        }),
      })
    ).json()) as { access_token: string };
    const after = createCloverSimulator(options);
    const [, nodeBase] = await both('clover-after', after.simulator);
    const merchant = () =>
      fetch(`${nodeBase}/v3/merchants/TC4DGCJW1K4EW`, { headers: { authorization: `Bearer ${pair.access_token}` } });
    expect((await merchant()).status).toBe(200);
    after.revokeAccessTokens();
    expect((await merchant()).status).toBe(401);
  });
});
