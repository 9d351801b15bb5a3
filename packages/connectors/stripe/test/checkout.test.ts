import {
  checkoutIdempotencyKey,
  createOutboundGuard,
  oauthRedirect,
  silentLogger,
  systemClock,
} from '@pos/integrations-core/connector';
import {
  STRIPE_ACCOUNT_ID,
  STRIPE_CLIENT_ID,
  STRIPE_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET,
  signedWebhook,
  stripeEvent,
  stripeSimulation,
  useProviderMock,
} from '@pos/test-support';
import { describe, expect, it } from 'vitest';
import { stripe, stripeFromEnv } from '../src/index.js';

const mock = useProviderMock();
const context = { tenantId: 'tenant-a', clock: systemClock, logger: silentLogger, outbound: createOutboundGuard() };
const env = { STRIPE_CLIENT_ID, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET };

describe('Stripe Checkout', () => {
  it('is configured from the environment only with a webhook secret, and checks its values', () => {
    expect(stripeFromEnv({ STRIPE_CLIENT_ID, STRIPE_SECRET_KEY }).checkout).toBeUndefined();
    expect(() => stripeFromEnv(env)).toThrow(/STRIPE_CHECKOUT_SUCCESS_URL/);
    const defaults = { successUrl: 'https://pos.example/done' };
    expect(stripeFromEnv(env, defaults).checkout?.sessionLifetimeMs).toBe(60 * 60_000);
    expect(stripeFromEnv({ ...env, STRIPE_WEBHOOK_SECRET: 'whsec_a1, whsec_b2' }, defaults).checkout).toBeDefined();
    expect(() => stripeFromEnv({ ...env, STRIPE_WEBHOOK_SECRET: 'sk_test_oops' }, defaults)).toThrow(/whsec_/);
    expect(() => stripeFromEnv({ ...env, STRIPE_CHECKOUT_EXPIRES_MINUTES: '20' }, defaults)).toThrow(/30 to 1440/);
    expect(() => stripeFromEnv({ ...env, STRIPE_CHECKOUT_EXPIRES_MINUTES: '1441' }, defaults)).toThrow(/30 to 1440/);
    expect(() => stripeFromEnv({ ...env, STRIPE_APPLICATION_FEE_BPS: '1.5' }, defaults)).toThrow(/basis points/);
    // Stripe must still see 30 minutes when the request arrives: the shortest setting gets a minute more.
    expect(stripeFromEnv({ ...env, STRIPE_CHECKOUT_EXPIRES_MINUTES: '30' }, defaults).checkout?.sessionLifetimeMs).toBe(
      31 * 60_000,
    );
  });

  it('creates the session on the connected account with the platform fee, and reads and expires it', async () => {
    const sim = stripeSimulation();
    mock.use(...sim.handlers);
    const connector = stripeFromEnv(
      { ...env, STRIPE_APPLICATION_FEE_BPS: '250', STRIPE_CHECKOUT_SUCCESS_URL: 'https://pos.example/ok?o={ORDER_ID}' },
      {},
    );
    const checkout = connector.checkout;
    if (!checkout) throw new Error('checkout expected');
    const back = sim.approve(connector.authorizationUrl('s', context));
    const grant = await connector.exchange(oauthRedirect(Object.fromEntries(back.searchParams)), context);
    const request = {
      tenantId: 'tenant-a',
      orderId: 'A #1',
      paymentId: 'pay-1',
      attempt: 1,
      amount: 1999,
      currency: 'eur',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      idempotencyKey: checkoutIdempotencyKey('tenant-a', 'A #1', 1),
    };
    const session = await checkout.createSession(request, grant, context);
    expect(session).toMatchObject({
      status: 'open',
      paymentStatus: 'unpaid',
      url: expect.stringContaining(session.id),
    });
    expect(sim.createRequests[0]?.params).toMatchObject({
      'payment_intent_data[application_fee_amount]': '49',
      'payment_intent_data[metadata][order_id]': 'A #1',
      success_url: 'https://pos.example/ok?o=A%20%231',
    });
    expect(sim.createRequests[0]?.account).toBe(STRIPE_ACCOUNT_ID);
    // The same request again is answered from Stripe's idempotency store: the same session.
    expect((await checkout.createSession(request, grant, context)).id).toBe(session.id);
    expect(sim.calls.sessionsCreated).toBe(1);
    expect(await checkout.retrieveSession(session.id, grant, context)).toMatchObject({ status: 'open' });
    expect(await checkout.expireSession(session.id, grant, context)).toMatchObject({ status: 'expired', url: null });
    await expect(checkout.expireSession(session.id, grant, context)).rejects.toMatchObject({
      code: 'STRIPE_REQUEST_REJECTED',
    });
  });

  it('verifies deliveries the SDK signed and decodes what core acts on', () => {
    const connector = stripe({
      clientId: STRIPE_CLIENT_ID,
      secretKey: STRIPE_SECRET_KEY,
      checkout: { webhookSecret: [STRIPE_WEBHOOK_SECRET], successUrl: 'https://pos.example/done' },
    });
    const checkout = connector.checkout;
    if (!checkout) throw new Error('checkout expected');
    const verify = (event: Record<string, unknown> | string, options = {}) => {
      const { body, signature } = signedWebhook(event, options);
      return checkout.verifyWebhook({ body: Buffer.from(body), signature }, new Date());
    };
    const session = {
      id: 'cs_test_1',
      object: 'checkout.session',
      payment_status: 'unpaid',
      metadata: { order_id: 'A' },
    };
    expect(verify(stripeEvent('checkout.session.completed', session))).toMatchObject({
      kind: 'session',
      outcome: 'completed_unpaid',
      account: STRIPE_ACCOUNT_ID,
      session: {
        id: 'cs_test_1',
        metadata: { order_id: 'A' },
        clientReferenceId: null,
        amountTotal: null,
        currency: null,
      },
    });
    // The amount and currency travel with the event, for core to compare with what was asked.
    const priced = { ...session, amount_total: 500_000, currency: 'USD' };
    expect(verify(stripeEvent('checkout.session.completed', priced))).toMatchObject({
      session: { id: 'cs_test_1', amountTotal: 500_000, currency: 'usd' },
    });
    // Anything but a whole number or a text code counts as absent (and so never matches).
    expect(verify(stripeEvent('checkout.session.completed', { ...priced, amount_total: '500000' }))).toMatchObject({
      session: { amountTotal: null, currency: 'usd' },
    });
    expect(verify(stripeEvent('checkout.session.completed', { ...priced, amount_total: 1.5 }))).toMatchObject({
      session: { amountTotal: null },
    });
    expect(verify(stripeEvent('checkout.session.completed', { ...priced, currency: 42 }))).toMatchObject({
      session: { amountTotal: 500_000, currency: null },
    });
    expect(verify(stripeEvent('checkout.session.async_payment_succeeded', session))).toMatchObject({
      outcome: 'async_succeeded',
    });
    expect(verify(stripeEvent('account.application.deauthorized', { object: 'application' }))).toMatchObject({
      kind: 'deauthorized',
    });
    expect(verify({ ...stripeEvent('checkout.session.expired', session), livemode: true })).toMatchObject({
      kind: 'ignored',
      reason: 'live_mode',
    });
    expect(verify(stripeEvent('charge.refunded', { id: 'ch_1' }))).toMatchObject({ kind: 'ignored' });
    expect(() => verify('not json')).toThrow(/not JSON/);
    expect(() => verify({ id: 'evt_1' })).toThrow(/not a Stripe event/);
    const reasons = [
      [{ signature: undefined }, 'missing_header'],
      [{ signature: 'whatever' }, 'malformed'],
      [{ signature: 't=123,v0=abc' }, 'malformed'],
    ] as const;
    for (const [delivery, reason] of reasons) {
      expect(() => checkout.verifyWebhook({ body: Buffer.from('{}'), ...delivery }, new Date())).toThrow(
        expect.objectContaining({ code: 'WEBHOOK_SIGNATURE_INVALID', details: { reason } }),
      );
    }
  });
});
