import { STRIPE_ACCOUNT_ID, stripeEvent, useProviderMock } from '@pos/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsServer, sessionEvent, startPaymentsServer } from './payments-harness.js';

const mock = useProviderMock();
let server: PaymentsServer | undefined;
afterEach(() => server?.close());

async function start() {
  server = await startPaymentsServer(mock);
  await server.connect();
  return server;
}

async function checkout(s: PaymentsServer, orderId: string, amount: number, currency = 'usd') {
  const created = await s.as('tenant-a')('POST', '/api/payments/checkout-session', {
    body: { order_id: orderId, amount, currency },
  });
  expect(created.status).toBe(200);
  return created.body as { session_id: string; payment_id: string; attempt: number };
}

const paymentOf = async (s: PaymentsServer, orderId: string) =>
  (await s.as('tenant-a')('GET', `/api/payments/orders/${orderId}/payment`)).body;

describe('Stripe webhooks settle only sessions the platform created, for the amount it asked', () => {
  it('does not mark a 5000 USD order paid on a signed event reporting 1 JPY, and flags it for review', async () => {
    const s = await start();
    const { session_id: sessionId, payment_id: paymentId } = await checkout(s, 'BIG-1', 5000);
    s.sim.complete(sessionId);
    const forged = sessionEvent(s.sim, 'checkout.session.completed', sessionId, { amount_total: 1, currency: 'jpy' });
    const response = await s.deliver(forged);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, duplicate: false, outcome: 'amount_mismatch' });

    const payment = await paymentOf(s, 'BIG-1');
    expect(payment).toMatchObject({ status: 'pending', needs_review: true, amount: 5000, currency: 'usd' });
    expect(payment.events).toEqual([
      {
        event_id: forged.id,
        type: 'checkout.session.completed',
        session_id: sessionId,
        created_at: expect.any(String),
        received_at: expect.any(String),
        status: 'pending',
        applied: false,
        refused: 'amount_mismatch',
        amount_total: 1,
        currency: 'jpy',
      },
    ]);
    const listed = await s.as('tenant-a')('GET', '/api/payments');
    expect(listed.body.payments).toEqual([expect.objectContaining({ order_id: 'BIG-1', needs_review: true })]);

    // Logged at error level by the host's logger and in the integration log the merchant sees.
    const errors = s.logger.lines.filter(
      (line) => line.startsWith('error ') && line.includes('payment_amount_mismatch'),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('1 JPY');
    expect(errors[0]).toContain('5000 USD');
    const logs = await s.as('tenant-a')('GET', '/api/integrations/stripe/logs?event=payment_amount_mismatch');
    expect(logs.body.logs).toEqual([
      expect.objectContaining({
        level: 'error',
        event: 'payment_amount_mismatch',
        details: {
          order_id: 'BIG-1',
          payment_id: paymentId,
          session_id: sessionId,
          event_id: forged.id,
          expected: { amount: 5000, currency: 'usd' },
          received: { amount_total: 1, currency: 'jpy' },
        },
      }),
    ]);

    // The same event again is a duplicate; the order is still not paid.
    expect((await s.deliver(forged)).body).toMatchObject({ duplicate: true });
    expect(await paymentOf(s, 'BIG-1')).toMatchObject({ status: 'pending', needs_review: true });
  });

  it('refuses a wrong currency, a wrong amount or a missing total alike, and a correct event then settles', async () => {
    const s = await start();
    const { session_id: sessionId } = await checkout(s, 'MIX-1', 5000);
    s.sim.complete(sessionId);
    const variants = [
      { amount_total: 5000, currency: 'eur' },
      { amount_total: 4999, currency: 'usd' },
      { amount_total: 500_000, currency: 'usd' },
      { amount_total: null, currency: 'usd' },
    ];
    for (const variant of variants) {
      const response = await s.deliver(sessionEvent(s.sim, 'checkout.session.completed', sessionId, variant));
      expect(response.body).toMatchObject({ outcome: 'amount_mismatch' });
      expect(await paymentOf(s, 'MIX-1')).toMatchObject({ status: 'pending', needs_review: true });
    }
    // Stripe's own event for the session, with the amount asked for, settles it; the flag stays.
    const real = await s.deliver(sessionEvent(s.sim, 'checkout.session.completed', sessionId));
    expect(real.body).toMatchObject({ outcome: 'applied' });
    const payment = await paymentOf(s, 'MIX-1');
    expect(payment).toMatchObject({ status: 'paid', needs_review: true });
    expect((payment.events as Array<{ refused?: string }>).map((entry) => entry.refused ?? 'applied')).toEqual([
      'amount_mismatch',
      'amount_mismatch',
      'amount_mismatch',
      'amount_mismatch',
      'applied',
    ]);
  });

  it('ignores a session the platform never created, even with the payment’s id in its metadata', async () => {
    const s = await start();
    const { session_id: sessionId, payment_id: paymentId } = await checkout(s, 'FOR-1', 5000);
    // A session made on the same connected account outside the platform, copying our metadata.
    const foreign = stripeEvent('checkout.session.completed', {
      ...s.sim.sessions.get(sessionId),
      id: 'cs_test_madeElsewhere0000000000',
      status: 'complete',
      payment_status: 'paid',
      amount_total: 5000,
      currency: 'usd',
      metadata: { tenant_id: 'tenant-a', order_id: 'FOR-1', payment_id: paymentId, attempt: '1' },
    });
    expect(foreign.account).toBe(STRIPE_ACCOUNT_ID);
    const response = await s.deliver(foreign);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, duplicate: false, outcome: 'unknown_session' });
    const payment = await paymentOf(s, 'FOR-1');
    expect(payment).toMatchObject({ status: 'pending', needs_review: false, session_id: sessionId });
    expect(payment.events).toEqual([
      expect.objectContaining({
        event_id: foreign.id,
        session_id: 'cs_test_madeElsewhere0000000000',
        applied: false,
        refused: 'unknown_session',
      }),
    ]);
    expect(
      s.logger.lines.some((line) => line.startsWith('warn ') && line.includes('cs_test_madeElsewhere0000000000')),
    ).toBe(true);
    // Our own session still settles the order.
    s.sim.complete(sessionId);
    expect((await s.deliver(sessionEvent(s.sim, 'checkout.session.completed', sessionId))).body).toMatchObject({
      outcome: 'applied',
    });
    expect(await paymentOf(s, 'FOR-1')).toMatchObject({ status: 'paid', needs_review: false });
  });

  it('still settles through an earlier session of the payment, compared with that attempt’s own amount', async () => {
    const s = await start();
    const first = await checkout(s, 'RE-1', 2500);
    s.sim.expire(first.session_id);
    await s.deliver(sessionEvent(s.sim, 'checkout.session.expired', first.session_id));
    const second = await checkout(s, 'RE-1', 3000);
    expect(second).toMatchObject({ attempt: 2 });
    expect(second.session_id).not.toBe(first.session_id);

    // The earlier session reporting the current attempt's amount is not what it asked for.
    const wrong = await s.deliver(
      sessionEvent(s.sim, 'checkout.session.completed', first.session_id, {
        status: 'complete',
        payment_status: 'paid',
        amount_total: 3000,
      }),
    );
    expect(wrong.body).toMatchObject({ outcome: 'amount_mismatch' });
    expect(await paymentOf(s, 'RE-1')).toMatchObject({ status: 'pending', needs_review: true });

    // Paid through the earlier session for its own 2500 USD: it counts, and is logged as an error.
    const paid = await s.deliver(
      sessionEvent(s.sim, 'checkout.session.completed', first.session_id, {
        status: 'complete',
        payment_status: 'paid',
      }),
    );
    expect(paid.body).toMatchObject({ outcome: 'applied' });
    expect(await paymentOf(s, 'RE-1')).toMatchObject({ status: 'paid', session_id: second.session_id });
    expect(s.logger.lines.some((line) => line.startsWith('error ') && line.includes('replaced checkout session'))).toBe(
      true,
    );
  });

  it('records every session it creates with the amount and account of its attempt', async () => {
    const s = await start();
    const first = await checkout(s, 'REC-1', 1200, 'eur');
    s.sim.expire(first.session_id);
    await s.deliver(sessionEvent(s.sim, 'checkout.session.expired', first.session_id));
    const second = await checkout(s, 'REC-1', 1500, 'eur');
    const rows = s.storage.database
      .prepare(
        'select session_id, tenant_id, order_id, payment_id, provider_account, attempt, amount, currency from payment_sessions order by attempt',
      )
      .all();
    expect(rows).toEqual([
      {
        session_id: first.session_id,
        tenant_id: 'tenant-a',
        order_id: 'REC-1',
        payment_id: first.payment_id,
        provider_account: STRIPE_ACCOUNT_ID,
        attempt: 1,
        amount: 1200,
        currency: 'eur',
      },
      {
        session_id: second.session_id,
        tenant_id: 'tenant-a',
        order_id: 'REC-1',
        payment_id: first.payment_id,
        provider_account: STRIPE_ACCOUNT_ID,
        attempt: 2,
        amount: 1500,
        currency: 'eur',
      },
    ]);
  });
});
