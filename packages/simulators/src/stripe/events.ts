import { createHmac } from 'node:crypto';
import { random } from '../random.js';
import { STRIPE_ACCOUNT_ID } from './fixtures.js';

let eventCounter = 0;

/** A Connect webhook event in Stripe's shape, from the simulated account unless `overrides` say otherwise. */
export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  eventCounter += 1;
  return {
    id: `evt_test_${String(eventCounter).padStart(6, '0')}${random(8)}`,
    object: 'event',
    type,
    account: STRIPE_ACCOUNT_ID,
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
    ...overrides,
  };
}

/** The `Stripe-Signature` header Stripe sends with `body`: `t=<seconds>,v1=<HMAC-SHA256 of "t.body">`. */
export function stripeSignature(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

/** Where a simulated Stripe delivers its Connect events, and the endpoint secret it signs them with. */
export interface StripeWebhookEndpoint {
  url: () => string;
  secret: string;
}

/** One delivery: the event type and the endpoint's HTTP status (0 when it could not be reached). */
export interface StripeDelivery {
  type: string;
  status: number;
}

/** Signs and posts `event` to the endpoint, as Stripe delivers it; resolves with the endpoint's status. */
export async function deliverStripeEvent(endpoint: StripeWebhookEndpoint, event: Record<string, unknown>) {
  const body = JSON.stringify(event);
  try {
    const response = await fetch(endpoint.url(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': stripeSignature(body, endpoint.secret),
      },
      body,
    });
    return response.status;
  } catch {
    return 0;
  }
}
