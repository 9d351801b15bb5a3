import { STRIPE_ACCOUNT_ID, useProviderMock } from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PaymentsServer, sessionEvent, startPaymentsServer } from './payments-harness.js';

const mock = useProviderMock();
let server: PaymentsServer;
beforeEach(async () => {
  server = await startPaymentsServer(mock);
  await server.connect();
});
afterEach(() => server.close());

const checkout = (body: unknown, tenantId = 'tenant-a') =>
  server.as(tenantId)('POST', '/api/payments/checkout-session', { body });

describe('Stripe Checkout over HTTP (seed integration test 4)', () => {
  it('create session → webhook → payment status', async () => {
    const created = await checkout({ order_id: 'order-1001', amount: 4250, currency: 'USD' });
    expect(created.status).toBe(200);
    const sessionId = created.body.session_id as string;
    expect(created.body).toEqual({
      payment_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      order_id: 'order-1001',
      provider: 'stripe',
      session_id: expect.stringMatching(/^cs_test_/),
      checkout_url: `https://checkout.stripe.com/c/pay/${sessionId}`,
      status: 'pending',
      amount: 4250,
      currency: 'usd',
      attempt: 1,
      expires_at: expect.any(String),
      refunded_amount: 0,
      dispute: null,
      needs_review: false,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const lifetime = Date.parse(created.body.expires_at as string) - Date.parse(created.body.created_at as string);
    expect(Math.round(lifetime / 60_000)).toBe(60);

    // What reached Stripe: the connected account, the derived key, one line item, our ids.
    const [request] = server.sim.createRequests;
    expect(request?.account).toBe(STRIPE_ACCOUNT_ID);
    expect(request?.idempotencyKey).toMatch(/^pos-checkout-[0-9a-f]{64}$/);
    expect(request?.params).toMatchObject({
      mode: 'payment',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '4250',
      'line_items[0][price_data][product_data][name]': 'Order order-1001',
      client_reference_id: 'order-1001',
      'metadata[tenant_id]': 'tenant-a',
      'metadata[order_id]': 'order-1001',
      'metadata[payment_id]': created.body.payment_id,
      'metadata[attempt]': '1',
      success_url: 'https://pos.example.com/checkout/done?order=order-1001&session={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://pos.example.com/checkout/cancelled?order=order-1001',
      expires_at: String(Date.parse(created.body.expires_at as string) / 1000),
    });
    expect(request?.params).not.toHaveProperty('payment_intent_data[application_fee_amount]');

    // The customer pays; Stripe sends the Connect webhook.
    server.sim.complete(sessionId);
    const event = sessionEvent(server.sim, 'checkout.session.completed', sessionId);
    const delivered = await server.deliver(event);
    expect(delivered.status).toBe(200);
    expect(delivered.body).toEqual({ received: true, duplicate: false, outcome: 'applied' });

    const status = await server.as('tenant-a')('GET', '/api/payments/orders/order-1001/payment');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      order_id: 'order-1001',
      status: 'paid',
      checkout_url: null,
      session_id: sessionId,
    });
    expect(status.body.events).toEqual([
      {
        event_id: event.id,
        type: 'checkout.session.completed',
        session_id: sessionId,
        created_at: expect.any(String),
        received_at: expect.any(String),
        status: 'paid',
        applied: true,
      },
    ]);

    const list = await server.as('tenant-a')('GET', '/api/payments?status=paid');
    expect(list.body).toEqual({
      payments: [expect.objectContaining({ order_id: 'order-1001', status: 'paid' })],
      next_cursor: null,
    });
    expect((await server.as('tenant-a')('GET', '/api/payments?status=pending')).body).toEqual({
      payments: [],
      next_cursor: null,
    });

    // A paid order is never charged again.
    const again = await checkout({ order_id: 'order-1001', amount: 4250, currency: 'usd' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ success: false, error_code: 'PAYMENT_ALREADY_PAID' });
    expect(server.sim.calls.sessionsCreated).toBe(1);
  });

  it('returns the same open session when called again, and refuses another amount or currency (Property 9)', async () => {
    const first = await checkout({ order_id: 'A-1', amount: 1999, currency: 'eur' });
    const second = await checkout({ order_id: 'A-1', amount: 1999, currency: 'EUR' });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(server.sim.calls.createSession).toBe(1);

    for (const body of [
      { order_id: 'A-1', amount: 2000, currency: 'eur' },
      { order_id: 'A-1', amount: 1999, currency: 'usd' },
    ]) {
      const refused = await checkout(body);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        success: false,
        error_code: 'PAYMENT_AMOUNT_MISMATCH',
        details: { order_id: 'A-1', amount: 1999, currency: 'eur' },
      });
    }
    expect(server.sim.calls.createSession).toBe(1);
    // Another tenant's order with the same id is its own payment, and invisible to the first.
    await server.connect('tenant-b', 'acct_1OtherShop0000777');
    const other = await checkout({ order_id: 'A-1', amount: 500, currency: 'eur' }, 'tenant-b');
    expect(other.status).toBe(200);
    expect(other.body.session_id).not.toBe(first.body.session_id);
    const listA = await server.as('tenant-a')('GET', '/api/payments');
    expect((listA.body.payments as unknown[]).length).toBe(1);
  });

  it('replaces an expired session with the next attempt, under a new idempotency key', async () => {
    const first = await checkout({ order_id: 'B-7', amount: 1200, currency: 'usd' });
    server.sim.expire(first.body.session_id as string);
    const expired = await server.deliver(
      sessionEvent(server.sim, 'checkout.session.expired', first.body.session_id as string),
    );
    expect(expired.body).toMatchObject({ outcome: 'applied' });
    expect((await server.as('tenant-a')('GET', '/api/payments/orders/B-7/payment')).body).toMatchObject({
      status: 'expired',
      checkout_url: null,
    });

    // The order total changed while the customer was away: a new amount is fine for a new session.
    const second = await checkout({ order_id: 'B-7', amount: 1500, currency: 'usd' });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      payment_id: first.body.payment_id,
      attempt: 2,
      amount: 1500,
      status: 'pending',
    });
    expect(second.body.session_id).not.toBe(first.body.session_id);
    const [one, two] = server.sim.createRequests;
    expect(two?.idempotencyKey).not.toBe(one?.idempotencyKey);
    expect(two?.params['metadata[attempt]']).toBe('2');

    // A late event of the replaced session joins the trail and changes nothing.
    const late = await server.deliver(
      sessionEvent(server.sim, 'checkout.session.expired', first.body.session_id as string),
    );
    expect(late.body).toMatchObject({ outcome: 'unchanged' });
    const status = await server.as('tenant-a')('GET', '/api/payments/orders/B-7/payment');
    expect(status.body).toMatchObject({ status: 'pending', session_id: second.body.session_id });
    expect((status.body.events as Array<{ applied: boolean }>).map((entry) => entry.applied)).toEqual([true, false]);
  });

  it('keeps a completed but unpaid session pending until the delayed payment settles', async () => {
    const created = await checkout({ order_id: 'ACH-1', amount: 90_000, currency: 'usd' });
    const sessionId = created.body.session_id as string;
    server.sim.complete(sessionId, 'unpaid');
    await server.deliver(sessionEvent(server.sim, 'checkout.session.completed', sessionId));
    const waiting = await server.as('tenant-a')('GET', '/api/payments/orders/ACH-1/payment');
    expect(waiting.body).toMatchObject({ status: 'pending', checkout_url: null });
    const again = await checkout({ order_id: 'ACH-1', amount: 90_000, currency: 'usd' });
    expect(again.body).toMatchObject({ error_code: 'PAYMENT_PROCESSING' });

    await server.deliver(sessionEvent(server.sim, 'checkout.session.async_payment_failed', sessionId));
    expect((await server.as('tenant-a')('GET', '/api/payments/orders/ACH-1/payment')).body).toMatchObject({
      status: 'failed',
    });
    // A failed payment may be tried again with a new session.
    const retry = await checkout({ order_id: 'ACH-1', amount: 90_000, currency: 'usd' });
    expect(retry.body).toMatchObject({ status: 'pending', attempt: 2 });
  });

  it('refuses bad input with 400 and stores nothing', async () => {
    const bad = [
      { order_id: 'X-1', amount: 0, currency: 'usd' },
      { order_id: 'X-1', amount: -5, currency: 'usd' },
      { order_id: 'X-1', amount: 12.5, currency: 'usd' },
      { order_id: 'X-1', amount: '4250', currency: 'usd' },
      { order_id: 'X-1', amount: 100_000_000, currency: 'usd' },
      { order_id: 'X-1', amount: 100, currency: 'usdollars' },
      { order_id: 'X-1', amount: 100, currency: 'xyz' },
      { order_id: 'X-1', amount: 100 },
      { order_id: '', amount: 100, currency: 'usd' },
      { order_id: 'a/b', amount: 100, currency: 'usd' },
      { order_id: 'X-1', amount: 100, currency: 'usd', tip: 5 },
    ];
    for (const body of bad) {
      const response = await checkout(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ success: false, error_code: 'VALIDATION_FAILED' });
    }
    const broken = await server.as('tenant-a')('POST', '/api/payments/checkout-session', {
      body: '{"order_id":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect((await server.as('tenant-a')('GET', '/api/payments/orders/a%2Fb/payment')).status).toBe(400);
    expect((await server.as('tenant-a')('GET', '/api/payments?limit=0')).status).toBe(400);
    expect((await server.as('tenant-a')('GET', '/api/payments?limit=101')).status).toBe(400);
    expect((await server.as('tenant-a')('GET', '/api/payments?status=lost')).status).toBe(400);
    expect((await server.as('tenant-a')('GET', '/api/payments?cursor=bm9wZQ')).body).toMatchObject({
      error_code: 'VALIDATION_FAILED',
    });
    expect(server.sim.calls.createSession).toBe(0);
    expect(server.storage.database.prepare('select count(*) as n from payments').get()).toEqual({ n: 0 });
  });

  it('needs a connected Stripe account and an API key', async () => {
    const refused = await checkout({ order_id: 'C-1', amount: 100, currency: 'usd' }, 'tenant-c');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ success: false, error_code: 'STRIPE_NOT_CONNECTED' });
    expect(server.storage.database.prepare('select count(*) as n from payments').get()).toEqual({ n: 0 });
    const anonymous = await server.anonymous('POST', '/api/payments/checkout-session', {
      body: { order_id: 'C-1', amount: 100, currency: 'usd' },
    });
    expect(anonymous.status).toBe(401);
    expect((await server.anonymous('GET', '/api/payments')).status).toBe(401);
    const missing = await server.as('tenant-a')('GET', '/api/payments/orders/none/payment');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error_code: 'NOT_FOUND' });
  });

  it('pages through payments newest first with next_cursor', async () => {
    for (let index = 0; index < 5; index += 1) {
      await checkout({ order_id: `P-${index}`, amount: 100 + index, currency: 'usd' });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await server.as('tenant-a')('GET', `/api/payments${query}`);
      expect(page.status).toBe(200);
      seen.push(...(page.body.payments as Array<{ order_id: string }>).map((payment) => payment.order_id));
      cursor = page.body.next_cursor as string | null;
    } while (cursor);
    expect(seen.sort()).toEqual(['P-0', 'P-1', 'P-2', 'P-3', 'P-4']);
    expect(new Set(seen).size).toBe(5);
  });

  it('reports a Stripe failure, then starts a new attempt with a fresh idempotency key', async () => {
    server.sim.failCreates(1);
    const failed = await checkout({ order_id: 'F-1', amount: 700, currency: 'usd' });
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ success: false, error_code: 'PROVIDER_UNAVAILABLE' });
    const retried = await checkout({ order_id: 'F-1', amount: 700, currency: 'usd' });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'pending', attempt: 2 });
    const [first, second] = server.sim.createRequests;
    expect(second?.idempotencyKey).not.toBe(first?.idempotencyKey);
  });

  it('turns the payments capability on only with a checkout provider', async () => {
    expect((await server.anonymous('GET', '/api/capabilities')).body).toMatchObject({
      features: { payments: true, stripe: true },
    });
  });
});
