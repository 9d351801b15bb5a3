import { useProviderMock } from '@pos/test-support';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PaymentsServer, sessionEvent, startPaymentsServer } from './payments-harness.js';

const mock = useProviderMock();
let server: PaymentsServer;
beforeAll(async () => {
  server = await startPaymentsServer(mock, { limits: { checkoutsPerMinute: 1_000_000 } });
  await server.connect();
});
afterAll(() => server.close());

const AMOUNT = 10_000;
let orders = 0;

/** What happens to one order at Stripe, in the order it happens there. */
interface Story {
  /** The customer pays; otherwise the checkout ends the way `unpaid` says. */
  paid: boolean;
  unpaid: Array<'expired' | 'async_failed' | 'completed_unpaid'>;
  /** Dashboard refunds: a share of the amount (per mille of what remains), and whether it fails later. */
  refunds: Array<{ share: number; fails: boolean }>;
  /** A dispute and how far it got: opened, under review, or closed (won/lost). */
  dispute: 'none' | 'needs_response' | 'under_review' | 'won' | 'lost';
}

const story: fc.Arbitrary<Story> = fc.record({
  paid: fc.boolean(),
  unpaid: fc.subarray(['expired', 'async_failed', 'completed_unpaid'] as const, { minLength: 1 }),
  refunds: fc.array(fc.record({ share: fc.integer({ min: 1, max: 1000 }), fails: fc.boolean() }), { maxLength: 3 }),
  dispute: fc.constantFrom('none', 'needs_response', 'under_review', 'won', 'lost'),
});

/** The table in docs/payments.md, read from the facts alone (no order). */
function expected(facts: Story, refunded: number): { status: string; refunded_amount: number } {
  if (!facts.paid) {
    // Highest-ranked outcome: failed (3) > expired (1) > pending (0).
    const status = facts.unpaid.includes('async_failed')
      ? 'failed'
      : facts.unpaid.includes('expired')
        ? 'expired'
        : 'pending';
    return { status, refunded_amount: 0 };
  }
  const open = facts.dispute === 'needs_response' || facts.dispute === 'under_review';
  const status = open ? 'disputed' : refunded === 0 ? 'paid' : refunded >= AMOUNT ? 'refunded' : 'partially_refunded';
  return { status, refunded_amount: refunded };
}

const TYPES: Record<Story['unpaid'][number], string> = {
  expired: 'checkout.session.expired',
  async_failed: 'checkout.session.async_payment_failed',
  completed_unpaid: 'checkout.session.completed',
};

/** Plays the story at the simulated Stripe and returns every event it sends, and what was refunded for good. */
async function play(facts: Story): Promise<{ orderId: string; events: Record<string, unknown>[]; refunded: number }> {
  orders += 1;
  const orderId = `LIFE-${orders}`;
  const created = await server.as('tenant-a')('POST', '/api/payments/checkout-session', {
    body: { order_id: orderId, amount: AMOUNT, currency: 'usd' },
  });
  const sessionId = created.body.session_id as string;
  const { sim } = server;
  const events: Record<string, unknown>[] = [];
  if (!facts.paid) {
    for (const outcome of facts.unpaid) {
      events.push(
        sessionEvent(sim, TYPES[outcome], sessionId, { status: outcome === 'expired' ? 'expired' : 'complete' }),
      );
    }
    return { orderId, events, refunded: 0 };
  }
  sim.complete(sessionId);
  events.push(sessionEvent(sim, 'checkout.session.completed', sessionId));
  events.push(sessionEvent(sim, 'checkout.session.async_payment_succeeded', sessionId));
  const paymentIntent = sim.payments.get(sessionId)?.paymentIntent as string;
  let remaining = AMOUNT;
  let refunded = 0;
  for (const plan of facts.refunds) {
    const amount = Math.max(1, Math.floor((remaining * plan.share) / 1000));
    if (remaining === 0) break;
    const made = sim.dashboardRefund(paymentIntent, amount);
    events.push(...made.events);
    if (plan.fails) {
      events.push(sim.settleRefund(made.refund.id, 'failed', 'declined').event);
    } else {
      events.push(sim.settleRefund(made.refund.id, 'succeeded').event);
      remaining -= amount;
      refunded += amount;
    }
  }
  if (facts.dispute !== 'none') {
    events.push(sim.dispute(paymentIntent, 'needs_response', 2500).event);
    if (facts.dispute !== 'needs_response') events.push(sim.dispute(paymentIntent, 'under_review').event);
    if (facts.dispute === 'won' || facts.dispute === 'lost')
      events.push(sim.dispute(paymentIntent, facts.dispute).event);
  }
  return { orderId, events, refunded };
}

describe('Property 13: a payment ends where the state table says, whatever the order of its events', () => {
  it('applies every interleaving (with repeats) of session, refund and dispute events to the same final state', async () => {
    await fc.assert(
      fc.asyncProperty(
        story,
        fc.infiniteStream(fc.nat()),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (facts, order, repeats) => {
          const { orderId, events, refunded } = await play(facts);
          // An arbitrary permutation: each step picks any of the events not yet sent.
          const left = [...events];
          const sent: Record<string, unknown>[] = [];
          const picks = order[Symbol.iterator]();
          while (left.length > 0) {
            const [event] = left.splice((picks.next().value as number) % left.length, 1);
            sent.push(event as Record<string, unknown>);
          }
          // Repeats of some events, anywhere after their first delivery.
          for (const index of repeats) sent.push(events[index % events.length] as Record<string, unknown>);
          for (const event of sent) {
            const delivered = await server.deliver(event);
            expect(delivered.status).toBe(200);
          }
          const shown = await server.as('tenant-a')('GET', `/api/payments/orders/${orderId}/payment`);
          expect({ status: shown.body.status, refunded_amount: shown.body.refunded_amount }).toEqual(
            expected(facts, refunded),
          );
          if (facts.paid && facts.dispute !== 'none') {
            expect(shown.body.dispute).toMatchObject({ amount: 2500, status: facts.dispute });
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
