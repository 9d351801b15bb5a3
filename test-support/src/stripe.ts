import { STRIPE_WEBHOOK_SECRET } from '@pos/simulators';
import Stripe from 'stripe';

/**
 * A webhook delivery as Stripe sends it: the JSON body and its `Stripe-Signature`, made with the
 * official SDK's `webhooks.generateTestHeaderString`, so the tests check our verification against
 * Stripe's own signing rather than against the simulator's.
 */
export function signedWebhook(
  event: Record<string, unknown> | string,
  options: { secret?: string; timestamp?: number } = {},
): { body: string; signature: string } {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? STRIPE_WEBHOOK_SECRET,
    ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
  });
  return { body, signature };
}
