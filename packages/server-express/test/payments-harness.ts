import { type StripeCheckoutOptions, stripe } from '@pos/connector-stripe';
import type { AccountingOptions, Clock, Connector, LimitOptions, PaymentOptions } from '@pos/integrations-core';
import {
  type ApiResponse,
  cookiesOf,
  STRIPE_CLIENT_ID,
  STRIPE_REDIRECT_URI,
  STRIPE_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET,
  type StripeSimulation,
  signedWebhook,
  stripeEvent,
  stripeSimulation,
} from '@pos/test-support';
import type express from 'express';
import type { SetupServer } from 'msw/node';
import { startTestServer, type TestServer } from './harness.js';

export const SUCCESS_URL = 'https://pos.example.com/checkout/done?order={ORDER_ID}&session={CHECKOUT_SESSION_ID}';
export const CANCEL_URL = 'https://pos.example.com/checkout/cancelled?order={ORDER_ID}';

export interface PaymentsServer extends TestServer {
  sim: StripeSimulation;
  /** Connects the tenant's Stripe account (the simulation's default one unless named) through the consent page. */
  connect(tenantId?: string, accountId?: string): Promise<void>;
  /** Posts a webhook delivery the way Stripe does: raw JSON body, `Stripe-Signature` header. */
  deliver(
    event: Record<string, unknown> | string,
    options?: { secret?: string; timestamp?: number; signature?: string | null },
  ): Promise<ApiResponse>;
  /** Row counts and contents a rejected webhook must leave alone. */
  state(): string;
}

export interface PaymentsServerOptions {
  clock?: Clock;
  checkout?: Partial<StripeCheckoutOptions>;
  payments?: PaymentOptions;
  limits?: LimitOptions;
  createDelayMs?: number;
  before?: express.RequestHandler[];
  /** Connectors beside Stripe (an accounting connector, say), and the accounting tuning. */
  connectors?: Connector[];
  accounting?: AccountingOptions;
}

/** A test server with Stripe Connect plus Checkout, against the msw Stripe simulation. */
export async function startPaymentsServer(
  mock: SetupServer,
  options: PaymentsServerOptions = {},
): Promise<PaymentsServer> {
  const { clock } = options;
  const sim = stripeSimulation({
    ...(clock ? { now: () => clock.now().getTime() } : {}),
    ...(options.createDelayMs ? { createDelayMs: options.createDelayMs } : {}),
  });
  mock.use(...sim.handlers);
  const connector = stripe({
    clientId: STRIPE_CLIENT_ID,
    secretKey: STRIPE_SECRET_KEY,
    redirectUri: STRIPE_REDIRECT_URI,
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    checkout: {
      webhookSecret: STRIPE_WEBHOOK_SECRET,
      successUrl: SUCCESS_URL,
      cancelUrl: CANCEL_URL,
      ...options.checkout,
    },
  });
  const server = await startTestServer({
    connectors: [connector, ...(options.connectors ?? [])],
    ...(options.accounting ? { accounting: options.accounting } : {}),
    ...(clock ? { clock } : {}),
    ...(options.payments ? { payments: options.payments } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.before ? { before: options.before } : {}),
  });
  const count = (table: string) =>
    (server.storage.database.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return {
    ...server,
    sim,
    async connect(tenantId = 'tenant-a', accountId?: string) {
      const started = await server.as(tenantId)('POST', '/api/integrations/stripe/auth-url');
      const back = sim.approve(started.body.auth_url as string, accountId);
      const callback = await server.anonymous('GET', `/api/integrations/stripe/callback${back.search}`, {
        headers: { cookie: cookiesOf(started) },
      });
      if (!String(callback.headers.get('location')).includes('status=connected')) {
        throw new Error(`Stripe did not connect: ${callback.headers.get('location')}`);
      }
    },
    async deliver(event, deliveryOptions = {}) {
      const signed = signedWebhook(event, {
        ...(deliveryOptions.secret ? { secret: deliveryOptions.secret } : {}),
        timestamp: deliveryOptions.timestamp ?? Math.floor((clock ?? { now: () => new Date() }).now().getTime() / 1000),
      });
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      const signature = deliveryOptions.signature === undefined ? signed.signature : deliveryOptions.signature;
      if (signature !== null) headers['stripe-signature'] = signature;
      return server.anonymous('POST', '/api/payments/webhooks/stripe', { body: signed.body, headers });
    },
    state() {
      return JSON.stringify({
        payments: server.storage.database.prepare('select * from payments order by id').all(),
        events: count('webhook_events'),
        credentials: count('integration_credentials'),
        logs: count('integration_logs'),
        queue: count('sync_queue'),
      });
    },
  };
}

/** A Checkout Session event for one of the simulation's sessions, as Stripe would send it now. */
export function sessionEvent(
  sim: StripeSimulation,
  type: string,
  sessionId: string,
  overrides: Record<string, unknown> = {},
) {
  const session = sim.sessions.get(sessionId);
  if (!session) throw new Error(`No simulated session ${sessionId}`);
  return stripeEvent(type, { ...session, ...overrides });
}
