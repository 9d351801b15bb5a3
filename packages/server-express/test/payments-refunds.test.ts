import type { Connector } from '@pos/integrations-core';
import type { CheckoutCapability } from '@pos/integrations-core/connector';
import { STRIPE_ACCOUNT_ID, signedWebhook, stripeEvent, useProviderMock } from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaymentChangeDetail } from '../../core/src/payments/observer.js';
import { PaymentService } from '../../core/src/payments/service.js';
import { type PaymentsServer, sessionEvent, startPaymentsServer } from './payments-harness.js';

const mock = useProviderMock();
let server: PaymentsServer;
beforeEach(async () => {
  server = await startPaymentsServer(mock);
  await server.connect();
});
afterEach(() => server.close());

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field.
type Body = Record<string, any>;
const read = async (response: Promise<{ status: number; body: unknown }>) => {
  const { status, body } = await response;
  return { status, body: body as Body };
};
const deliver = (event: Record<string, unknown>) => read(server.deliver(event));
const api = () => {
  const as = server.as('tenant-a');
  return (...args: Parameters<typeof as>) => read(as(...args));
};
const checkout = (orderId: string, amount = 5000, currency = 'usd') =>
  api()('POST', '/api/payments/checkout-session', { body: { order_id: orderId, amount, currency } });
const payment = (orderId: string) => api()('GET', `/api/payments/orders/${orderId}/payment`);
const refund = (orderId: string, body: unknown = {}, key?: string) =>
  api()('POST', `/api/payments/orders/${orderId}/refunds`, {
    body,
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });

/** Opens a checkout for the order, the customer pays, and Stripe's webhook arrives. Returns the PaymentIntent. */
async function paid(orderId: string, amount = 5000): Promise<string> {
  const created = await checkout(orderId, amount);
  const sessionId = created.body.session_id as string;
  server.sim.complete(sessionId);
  const delivered = await deliver(sessionEvent(server.sim, 'checkout.session.completed', sessionId));
  expect(delivered.body.outcome).toBe('applied');
  return server.sim.payments.get(sessionId)?.paymentIntent as string;
}

describe('cancel an open checkout', () => {
  it('expires the session at Stripe, marks the payment canceled, and lets a new checkout use any amount', async () => {
    const created = await checkout('order-c1', 5000);
    const sessionId = created.body.session_id as string;
    const canceled = await api()('POST', '/api/payments/orders/order-c1/cancel');
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', checkout_url: null, session_id: sessionId });
    expect(server.sim.sessions.get(sessionId)?.status).toBe('expired');
    expect(server.sim.calls.expireSession).toBe(1);

    // Stripe's expired event arrives afterwards: the payment stays canceled.
    const late = await deliver(sessionEvent(server.sim, 'checkout.session.expired', sessionId));
    expect(late.body.outcome).toBe('unchanged');
    expect((await payment('order-c1')).body.status).toBe('canceled');

    // A cancel again answers the same; a new checkout for another amount opens a new session.
    expect((await api()('POST', '/api/payments/orders/order-c1/cancel')).body.status).toBe('canceled');
    const again = await checkout('order-c1', 7000);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'pending', amount: 7000, attempt: 2 });
    expect(again.body.session_id).not.toBe(sessionId);
  });

  it('answers 409 PAYMENT_ALREADY_PAID and records the payment as paid when the customer paid first', async () => {
    const created = await checkout('order-c2');
    const sessionId = created.body.session_id as string;
    server.sim.complete(sessionId); // paid at Stripe; its webhook has not arrived yet
    const canceled = await api()('POST', '/api/payments/orders/order-c2/cancel');
    expect(canceled.status).toBe(409);
    expect(canceled.body).toMatchObject({ success: false, error_code: 'PAYMENT_ALREADY_PAID' });
    expect((await payment('order-c2')).body.status).toBe('paid');
    // The webhook then changes nothing, and the order cannot be charged again.
    const late = await deliver(sessionEvent(server.sim, 'checkout.session.completed', sessionId));
    expect(late.body.outcome).toBe('unchanged');
    expect((await checkout('order-c2')).body.error_code).toBe('PAYMENT_ALREADY_PAID');
  });

  it('lets exactly one of a cancel and a concurrent payment win', async () => {
    const created = await checkout('order-c3');
    const sessionId = created.body.session_id as string;
    const [canceled] = await Promise.all([
      api()('POST', '/api/payments/orders/order-c3/cancel'),
      (async () => {
        if (server.sim.sessions.get(sessionId)?.status === 'open') server.sim.complete(sessionId);
      })(),
    ]);
    const session = server.sim.sessions.get(sessionId);
    const status = (await payment('order-c3')).body.status;
    if (session?.status === 'complete') {
      expect(canceled.status).toBe(409);
      expect(status).toBe('paid');
    } else {
      expect(canceled.status).toBe(200);
      expect(status).toBe('canceled');
    }
  });

  it('refuses a cancel for an order without a payment', async () => {
    const missing = await api()('POST', '/api/payments/orders/nope/cancel');
    expect(missing.status).toBe(404);
  });
});

describe('refunds', () => {
  it('refunds part and then the rest, on the connected account, with a key derived from the refund', async () => {
    const paymentIntent = await paid('order-r1');
    const first = await refund('order-r1', { amount: 1500, reason: 'requested_by_customer' });
    expect(first.status).toBe(201);
    expect(first.body.refund).toMatchObject({
      amount: 1500,
      currency: 'usd',
      status: 'succeeded',
      source: 'api',
      reason: 'requested_by_customer',
      provider_refund_id: expect.stringMatching(/^re_/),
    });
    expect(first.body.payment).toMatchObject({ status: 'partially_refunded', refunded_amount: 1500 });
    const [request] = server.sim.refundRequests;
    expect(request?.account).toBe(STRIPE_ACCOUNT_ID);
    expect(request?.idempotencyKey).toMatch(/^pos-refund-[0-9a-f]{64}$/);
    expect(request?.params).toMatchObject({
      payment_intent: paymentIntent,
      amount: '1500',
      'metadata[refund_id]': first.body.refund.refund_id,
      'metadata[order_id]': 'order-r1',
    });
    expect(request?.params).not.toHaveProperty('refund_application_fee');

    const rest = await refund('order-r1');
    expect(rest.status).toBe(201);
    expect(rest.body.refund.amount).toBe(3500);
    expect(rest.body.payment).toMatchObject({ status: 'refunded', refunded_amount: 5000 });
    expect(server.sim.refundRequests[1]?.idempotencyKey).not.toBe(request?.idempotencyKey);

    const listed = await api()('GET', '/api/payments/orders/order-r1/refunds');
    expect(listed.status).toBe(200);
    expect(listed.body.refunds.map((row: { amount: number }) => row.amount)).toEqual([1500, 3500]);

    const more = await refund('order-r1', { amount: 1 });
    expect(more.status).toBe(422);
    expect(more.body).toMatchObject({ success: false, error_code: 'REFUND_EXCEEDS_REMAINING' });
    expect(server.sim.refunds.size).toBe(2);
  });

  it('gives back the platform fee in proportion where one was taken', async () => {
    await server.close();
    server = await startPaymentsServer(mock, { checkout: { applicationFeeAmount: ({ amount }) => amount / 100 } });
    await server.connect();
    await paid('order-fee');
    expect(server.sim.createRequests[0]?.params['payment_intent_data[application_fee_amount]']).toBe('50');
    expect((await refund('order-fee', { amount: 2000 })).status).toBe(201);
    expect(server.sim.refundRequests[0]?.params).toMatchObject({ amount: '2000', refund_application_fee: 'true' });
  });

  it('refunds once for a retried request with the same Idempotency-Key', async () => {
    await paid('order-r2');
    const first = await refund('order-r2', { amount: 1000 }, 'till-7-refund-1');
    const retried = await refund('order-r2', { amount: 1000 }, 'till-7-refund-1');
    expect(retried.status).toBe(201);
    expect(retried.body.refund.refund_id).toBe(first.body.refund.refund_id);
    expect(server.sim.refunds.size).toBe(1);
    expect(retried.body.payment.refunded_amount).toBe(1000);
    const reused = await refund('order-r2', { amount: 2000 }, 'till-7-refund-1');
    expect(reused.status).toBe(422);
    expect(reused.body.error_code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(server.sim.refunds.size).toBe(1);
  });

  it('refuses an over-refund, a refund of an unpaid order and one in another currency, changing nothing', async () => {
    await checkout('order-r3');
    const unpaid = await refund('order-r3', { amount: 100 });
    expect(unpaid.status).toBe(409);
    expect(unpaid.body.error_code).toBe('PAYMENT_NOT_PAID');
    await paid('order-r4');
    const over = await refund('order-r4', { amount: 5001 });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ error_code: 'REFUND_EXCEEDS_REMAINING', details: { remaining: 5000 } });
    const currency = await refund('order-r4', { amount: 100, currency: 'eur' });
    expect(currency.status).toBe(422);
    expect(currency.body.error_code).toBe('REFUND_CURRENCY_MISMATCH');
    const invalid = await refund('order-r4', { amount: -5 });
    expect(invalid.status).toBe(400);
    expect(server.sim.refundRequests).toHaveLength(0);
    expect((await payment('order-r4')).body).toMatchObject({ status: 'paid', refunded_amount: 0 });
  });

  it("applies our refund once when its webhook arrives before Stripe's answer reaches us", async () => {
    await paid('order-r5');
    server.sim.beforeRefundAnswer(async (events) => {
      for (const event of events) expect((await deliver(event)).status).toBe(200);
    });
    const made = await refund('order-r5', { amount: 2000 });
    server.sim.beforeRefundAnswer(undefined);
    expect(made.status).toBe(201);
    expect(made.body.payment).toMatchObject({ status: 'partially_refunded', refunded_amount: 2000 });
    const listed = await api()('GET', '/api/payments/orders/order-r5/refunds');
    expect(listed.body.refunds).toHaveLength(1);
    expect(listed.body.refunds[0]).toMatchObject({ source: 'api', refund_id: made.body.refund.refund_id });
  });

  it('applies our refund once when its webhooks arrive after our answer', async () => {
    await paid('order-r6');
    const made = await refund('order-r6', { amount: 2000 });
    const refundId = made.body.refund.provider_refund_id as string;
    const settled = server.sim.settleRefund(refundId, 'succeeded');
    const delivered = await deliver(settled.event);
    expect(delivered.body.outcome).toBe('unchanged');
    expect((await payment('order-r6')).body).toMatchObject({ status: 'partially_refunded', refunded_amount: 2000 });
  });

  it('applies a dashboard refund once whichever of its events comes first, and takes back a failed one', async () => {
    const paymentIntent = await paid('order-r7');
    const { refund: made, events } = server.sim.dashboardRefund(paymentIntent, 1200);
    const [created, charge] = events as [Record<string, unknown>, Record<string, unknown>];
    expect((await deliver(charge)).body.outcome).toBe('applied');
    expect((await deliver(created)).body.outcome).toBe('unchanged');
    expect((await deliver(charge)).body.outcome).toBe('duplicate');
    expect((await payment('order-r7')).body).toMatchObject({ status: 'partially_refunded', refunded_amount: 1200 });
    const listed = await api()('GET', '/api/payments/orders/order-r7/refunds');
    expect(listed.body.refunds).toEqual([
      expect.objectContaining({ source: 'provider', provider_refund_id: made.id, amount: 1200 }),
    ]);

    // Only what remains can be refunded from the POS now.
    expect((await refund('order-r7', { amount: 3801 })).body.error_code).toBe('REFUND_EXCEEDS_REMAINING');

    const failed = server.sim.settleRefund(made.id, 'failed', 'expired_or_canceled_card');
    expect((await deliver(failed.event)).body.outcome).toBe('applied');
    expect((await payment('order-r7')).body).toMatchObject({ status: 'paid', refunded_amount: 0 });
    // A late "succeeded" never undoes the failure.
    const late = await deliver(stripeEvent('refund.updated', { ...made, status: 'succeeded' }));
    expect(late.body.outcome).toBe('unchanged');
    expect((await payment('order-r7')).body.refunded_amount).toBe(0);
  });

  it('keeps a refund reported before the payment and counts it once the payment is paid', async () => {
    const created = await checkout('order-r8');
    const sessionId = created.body.session_id as string;
    server.sim.complete(sessionId);
    const paymentIntent = server.sim.payments.get(sessionId)?.paymentIntent as string;
    const { events } = server.sim.dashboardRefund(paymentIntent, 5000);
    expect((await deliver(events[1] as Record<string, unknown>)).body.outcome).toBe('held');
    expect((await payment('order-r8')).body.status).toBe('pending');
    await deliver(sessionEvent(server.sim, 'checkout.session.completed', sessionId));
    expect((await payment('order-r8')).body).toMatchObject({ status: 'refunded', refunded_amount: 5000 });
  });
});

describe('disputes', () => {
  it('shows the payment disputed with its status and amount until closed, in any order', async () => {
    const paymentIntent = await paid('order-d1');
    await refund('order-d1', { amount: 1000 });
    const opened = server.sim.dispute(paymentIntent, 'needs_response', 4000);
    const review = server.sim.dispute(paymentIntent, 'under_review');
    const won = server.sim.dispute(paymentIntent, 'won');
    // The closing event first, then the older ones: the dispute stays closed.
    expect((await deliver(opened.event)).body.outcome).toBe('applied');
    let shown = (await payment('order-d1')).body;
    expect(shown).toMatchObject({
      status: 'disputed',
      dispute: { id: opened.dispute.id, status: 'needs_response', amount: 4000, currency: 'usd', closed: false },
    });
    expect((await deliver(won.event)).body.outcome).toBe('applied');
    expect((await deliver(review.event)).body.outcome).toBe('unchanged');
    expect((await deliver(won.event)).body.outcome).toBe('duplicate');
    shown = (await payment('order-d1')).body;
    expect(shown).toMatchObject({
      status: 'partially_refunded',
      refunded_amount: 1000,
      dispute: { status: 'won', closed: true },
    });
  });
});

describe('payment observers', () => {
  it('are told of each refund once when it starts counting and once when it fails, in its transaction', async () => {
    const told: Array<{ before: string; after: string; refund?: string; status?: string }> = [];
    const { integrations } = server;
    const connector = integrations.connectors.get('stripe') as Connector & { checkout: CheckoutCapability };
    // The same parts as the server's own payments, with an observer.
    const observed = new PaymentService({
      storage: integrations.storage,
      connector,
      connections: integrations.connections,
      sync: integrations.sync,
      clock: integrations.clock,
      logger: integrations.logger,
      activity: integrations.activity,
      observers: [
        async (tx, before, after, detail?: PaymentChangeDetail) => {
          // Written in the change's transaction: the row it sees is the one being written.
          expect((await tx.payments.get(after.tenantId, after.orderId))?.version).toBe(after.version);
          told.push({
            before: before.status,
            after: after.status,
            ...(detail?.refund ? { refund: detail.refund.providerRefundId ?? '', status: detail.refund.status } : {}),
          });
        },
      ],
    });
    const webhook = (event: Record<string, unknown>) => {
      const signed = signedWebhook(event);
      return observed.handleWebhook({ body: Buffer.from(signed.body), signature: signed.signature });
    };
    const paymentIntent = await paid('order-o1');
    const ours = await observed.refund('tenant-a', 'order-o1', { amount: 1000 });
    const oursId = ours.refund.provider_refund_id as string;
    await webhook(server.sim.settleRefund(oursId, 'succeeded').event);
    const dashboard = server.sim.dashboardRefund(paymentIntent, 500);
    for (const event of dashboard.events) await webhook(event);
    await webhook(server.sim.settleRefund(dashboard.refund.id, 'failed', 'declined').event);
    expect(told).toEqual([
      { before: 'paid', after: 'partially_refunded', refund: oursId, status: 'succeeded' },
      { before: 'partially_refunded', after: 'partially_refunded', refund: dashboard.refund.id, status: 'succeeded' },
      { before: 'partially_refunded', after: 'partially_refunded', refund: dashboard.refund.id, status: 'failed' },
    ]);
    const opened = server.sim.dispute(paymentIntent);
    await webhook(opened.event);
    expect(told.at(-1)).toEqual({ before: 'partially_refunded', after: 'disputed' });
  });
});
