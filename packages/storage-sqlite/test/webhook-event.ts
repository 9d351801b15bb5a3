import type { WebhookEventRecord } from '@pos/integrations-core/storage';

/** A recorded Stripe event with the given id, for tests that only need rows to write. */
export const webhookEvent = (eventId: string): WebhookEventRecord => ({
  eventId,
  provider: 'stripe',
  type: 'checkout.session.completed',
  account: 'acct_1',
  receivedAt: '2026-01-01T00:00:00.000Z',
  processedAt: '2026-01-01T00:00:00.000Z',
});
