import { captureRawBody } from '@pos/server-express';
import { ManualClock, STRIPE_ACCOUNT_ID, STRIPE_WEBHOOK_SECRET, stripeEvent, useProviderMock } from '@pos/test-support';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type PaymentsServer,
  type PaymentsServerOptions,
  sessionEvent,
  startPaymentsServer,
} from './payments-harness.js';

const mock = useProviderMock();
let server: PaymentsServer | undefined;
afterEach(() => server?.close());

async function start(options: PaymentsServerOptions = {}) {
  server = await startPaymentsServer(mock, options);
  await server.connect();
  return server;
}

async function openSession(s: PaymentsServer, orderId = 'W-1') {
  const created = await s.as('tenant-a')('POST', '/api/payments/checkout-session', {
    body: { order_id: orderId, amount: 2500, currency: 'usd' },
  });
  expect(created.status).toBe(200);
  return created.body.session_id as string;
}

describe('Stripe webhooks', () => {
  it('applies an event once however often it is delivered', async () => {
    const s = await start();
    const sessionId = await openSession(s);
    s.sim.complete(sessionId);
    const event = sessionEvent(s.sim, 'checkout.session.completed', sessionId);
    const first = await s.deliver(event);
    const again = await Promise.all([s.deliver(event), s.deliver(event), s.deliver(event)]);
    expect(first.body).toEqual({ received: true, duplicate: false, outcome: 'applied' });
    for (const response of again)
      expect(response.body).toEqual({ received: true, duplicate: true, outcome: 'duplicate' });
    const payment = await s.as('tenant-a')('GET', '/api/payments/orders/W-1/payment');
    expect(payment.body.events).toHaveLength(1);
    expect(s.storage.database.prepare('select event_id, type, account from webhook_events').all()).toEqual([
      { event_id: event.id, type: 'checkout.session.completed', account: STRIPE_ACCOUNT_ID },
    ]);
  });

  it('never lets a late expired event undo a payment', async () => {
    const s = await start();
    const sessionId = await openSession(s);
    s.sim.complete(sessionId);
    await s.deliver(sessionEvent(s.sim, 'checkout.session.completed', sessionId));
    const late = await s.deliver(sessionEvent(s.sim, 'checkout.session.expired', sessionId, { status: 'expired' }));
    expect(late.body).toMatchObject({ outcome: 'unchanged' });
    expect((await s.as('tenant-a')('GET', '/api/payments/orders/W-1/payment')).body).toMatchObject({ status: 'paid' });
  });

  it('accepts any of several secrets while one is rolled, and nothing else', async () => {
    const previous = 'whsec_previousSecretStillLive0000000000';
    const s = await start({ checkout: { webhookSecret: [STRIPE_WEBHOOK_SECRET, previous] } });
    const sessionId = await openSession(s);
    const event = sessionEvent(s.sim, 'checkout.session.expired', sessionId);
    const other = await s.deliver(event, { secret: 'whsec_someoneElse000000000000000' });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ success: false, error_code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect((await s.deliver(event, { secret: previous })).body).toMatchObject({ outcome: 'applied' });
  });

  it('checks the timestamp against the injected clock with 300 s of tolerance', async () => {
    const clock = new ManualClock('2026-03-01T12:00:00.000Z');
    const s = await start({ clock });
    const sessionId = await openSession(s);
    const event = sessionEvent(s.sim, 'checkout.session.expired', sessionId);
    const signedAt = Math.floor(clock.now().getTime() / 1000);
    clock.advance(301_000);
    const stale = await s.deliver(event, { timestamp: signedAt });
    expect(stale.status).toBe(400);
    expect(stale.body).toMatchObject({ error_code: 'WEBHOOK_SIGNATURE_INVALID', details: { reason: 'stale' } });
    expect((await s.deliver(event, { timestamp: signedAt + 2 })).body).toMatchObject({ outcome: 'applied' });
    expect(s.logger.lines.some((line) => line.includes('signature invalid') && line.includes('stale'))).toBe(true);
  });

  it('answers 200 for unknown event types, unknown sessions and the other mode, and logs them', async () => {
    const s = await start();
    const sessionId = await openSession(s);
    const before = await s.as('tenant-a')('GET', '/api/payments/orders/W-1/payment');
    const unknownType = await s.deliver(stripeEvent('invoice.paid', { id: 'in_1', object: 'invoice' }));
    expect(unknownType.body).toEqual({ received: true, duplicate: false, outcome: 'ignored' });
    const notOurs = stripeEvent('checkout.session.completed', {
      id: 'cs_test_notOurs',
      object: 'checkout.session',
      payment_status: 'paid',
      metadata: { tenant_id: 'tenant-a', order_id: 'W-1' },
    });
    const unknownSession = await s.deliver(notOurs);
    expect(unknownSession.body).toMatchObject({ outcome: 'unknown_session' });
    // Another account on the platform cannot settle our order, even naming our session.
    const fromElsewhere = await s.deliver(
      stripeEvent(
        'checkout.session.completed',
        { ...s.sim.sessions.get(sessionId), payment_status: 'paid' },
        { account: 'acct_1SomeoneElse' },
      ),
    );
    expect(fromElsewhere.body).toMatchObject({ outcome: 'unknown_session' });
    // A production Connect endpoint also receives live events; a test key ignores them.
    const live = await s.deliver({ ...sessionEvent(s.sim, 'checkout.session.completed', sessionId), livemode: true });
    expect(live.body).toMatchObject({ outcome: 'ignored' });
    // Only the session from the payment's own account leaves a mark: a refused trail entry.
    const after = (await s.as('tenant-a')('GET', '/api/payments/orders/W-1/payment')).body;
    expect({ ...after, events: [], updated_at: '' }).toEqual({ ...before.body, events: [], updated_at: '' });
    expect(after.events).toEqual([
      expect.objectContaining({ event_id: notOurs.id, status: 'pending', applied: false, refused: 'unknown_session' }),
    ]);
    expect(s.logger.lines.filter((line) => line.includes('Webhook event')).length).toBeGreaterThanOrEqual(3);
  });

  it('disconnects the tenant when the account deauthorizes the platform', async () => {
    const s = await start();
    await openSession(s);
    const event = stripeEvent('account.application.deauthorized', {
      id: 'ca_TestPlatformClient0123456789',
      object: 'application',
      name: 'POS',
    });
    const response = await s.deliver(event);
    expect(response.body).toEqual({ received: true, duplicate: false, outcome: 'disconnected' });
    expect((await s.as('tenant-a')('GET', '/api/integrations/stripe/status')).body).toMatchObject({
      connected: false,
      status: 'disconnected',
    });
    expect(await s.storage.providerAccounts.owner('stripe', STRIPE_ACCOUNT_ID)).toBeUndefined();
    expect(await s.storage.providerAccounts.get('tenant-a', 'stripe')).toBeUndefined();
    const logs = await s.as('tenant-a')('GET', '/api/integrations/stripe/logs');
    expect((logs.body.logs as Array<{ event: string; level: string }>)[0]).toMatchObject({
      event: 'disconnected',
      level: 'warning',
    });
    const refused = await s.as('tenant-a')('POST', '/api/payments/checkout-session', {
      body: { order_id: 'W-2', amount: 100, currency: 'usd' },
    });
    expect(refused.body).toMatchObject({ error_code: 'STRIPE_NOT_CONNECTED' });
    // The Dashboard's resend of the same event, after the merchant connected again, changes nothing.
    await s.connect();
    expect((await s.deliver(event)).body).toMatchObject({ duplicate: true });
    expect((await s.as('tenant-a')('GET', '/api/integrations/stripe/status')).body).toMatchObject({ connected: true });
    // A new deauthorization event that predates the new connection is old news.
    const older = stripeEvent(
      'account.application.deauthorized',
      { object: 'application' },
      { created: 1_700_000_000 },
    );
    expect((await s.deliver(older)).body).toMatchObject({ outcome: 'ignored' });
    expect((await s.as('tenant-a')('GET', '/api/integrations/stripe/status')).body).toMatchObject({ connected: true });
  });

  it('still verifies the raw body when the host parses JSON first with captureRawBody', async () => {
    const s = await start({ before: [express.json({ verify: captureRawBody })] });
    const sessionId = await openSession(s);
    const response = await s.deliver(sessionEvent(s.sim, 'checkout.session.expired', sessionId));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ outcome: 'applied' });
  });

  it('refuses with 500 and changes nothing when a host parsed the body away before the router', async () => {
    const s = await start({ before: [express.json()] });
    const sessionId = await openSession(s);
    const before = s.state();
    const response = await s.deliver(sessionEvent(s.sim, 'checkout.session.expired', sessionId));
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ success: false, error_code: 'WEBHOOK_BODY_UNAVAILABLE' });
    expect(s.state()).toBe(before);
    expect(s.logger.lines.some((line) => line.includes('captureRawBody'))).toBe(true);
  });

  it('refuses a body over 1 MB with 413 and changes nothing, then takes the next delivery', async () => {
    const s = await start();
    const sessionId = await openSession(s);
    const before = s.state();
    const event = sessionEvent(s.sim, 'checkout.session.expired', sessionId);
    const huge = await s.deliver({ ...event, padding: 'x'.repeat(1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ success: false, error_code: 'PAYLOAD_TOO_LARGE' });
    expect(s.state()).toBe(before);
    expect((await s.deliver(event)).body).toMatchObject({ outcome: 'applied' });
  });

  it('replaces a session past its expiry only after Stripe confirms it is closed', async () => {
    const clock = new ManualClock('2026-03-01T12:00:00.000Z');
    const s = await start({ clock });
    const first = await openSession(s, 'T-1');
    clock.advance(61 * 60_000); // past expires_at; the expired webhook has not come
    const second = await s.as('tenant-a')('POST', '/api/payments/checkout-session', {
      body: { order_id: 'T-1', amount: 2500, currency: 'usd' },
    });
    expect(second.body).toMatchObject({ attempt: 2, status: 'pending' });
    expect(second.body.session_id).not.toBe(first);
    // Still open at Stripe (it expires sessions a little late): closed before the new one was made.
    expect(s.sim.calls.expireSession).toBe(1);
    expect(s.sim.sessions.get(first)?.status).toBe('expired');

    // If the customer had paid in the meantime, the order is paid and no second session is made.
    const third = await openSession(s, 'T-2');
    s.sim.complete(third);
    clock.advance(61 * 60_000);
    const paid = await s.as('tenant-a')('POST', '/api/payments/checkout-session', {
      body: { order_id: 'T-2', amount: 2500, currency: 'usd' },
    });
    expect(paid.body).toMatchObject({ error_code: 'PAYMENT_ALREADY_PAID' });
    expect(s.sim.calls.sessionsCreated).toBe(3);
    expect((await s.as('tenant-a')('GET', '/api/payments/orders/T-2/payment')).body).toMatchObject({ status: 'paid' });
  });

  it('creates exactly one Stripe session for 50 concurrent requests for one order', async () => {
    const s = await start({ createDelayMs: 60 });
    const body = { order_id: 'RUSH-1', amount: 3100, currency: 'usd' };
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => s.as('tenant-a')('POST', '/api/payments/checkout-session', { body })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(new Set(responses.map((response) => response.body.session_id)).size).toBe(1);
    expect(new Set(responses.map((response) => response.body.checkout_url)).size).toBe(1);
    expect(s.sim.calls.createSession).toBe(1);
    expect(s.sim.calls.sessionsCreated).toBe(1);
    expect(s.storage.database.prepare('select count(*) as n from payments').get()).toEqual({ n: 1 });
  });
});
