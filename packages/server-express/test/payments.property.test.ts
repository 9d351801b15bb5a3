import type { PaymentStatus } from '@pos/integrations-core';
import type { SessionOutcome } from '@pos/integrations-core/connector';
import { STRIPE_WEBHOOK_SECRET, stripeEvent, useProviderMock } from '@pos/test-support';
import fc from 'fast-check';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextState, type SessionState } from '../../core/src/payments/state.js';
import { type PaymentsServer, sessionEvent, startPaymentsServer } from './payments-harness.js';

const mock = useProviderMock();
let server: PaymentsServer;
beforeEach(async () => {
  // The property sends hundreds of checkout requests as one tenant: the per-minute rate is not under test here.
  server = await startPaymentsServer(mock, { limits: { checkoutsPerMinute: 1_000_000 } });
  await server.connect();
});
afterEach(() => server.close());

let orders = 0;
const nextOrder = () => `ORD-${++orders}`;

async function createSession(orderId: string, amount = 2500, currency = 'usd') {
  return server.as('tenant-a')('POST', '/api/payments/checkout-session', {
    body: { order_id: orderId, amount, currency },
  });
}

const OUTCOME_TYPES: Record<SessionOutcome, { type: string; paymentStatus?: string }> = {
  completed_paid: { type: 'checkout.session.completed', paymentStatus: 'paid' },
  completed_unpaid: { type: 'checkout.session.completed', paymentStatus: 'unpaid' },
  async_succeeded: { type: 'checkout.session.async_payment_succeeded', paymentStatus: 'paid' },
  async_failed: { type: 'checkout.session.async_payment_failed', paymentStatus: 'unpaid' },
  expired: { type: 'checkout.session.expired', paymentStatus: 'unpaid' },
};
const OUTCOMES = Object.keys(OUTCOME_TYPES) as SessionOutcome[];

describe('Property 9: one payment and one open session per order', () => {
  type Action =
    | { kind: 'create'; order: number; amount: number; concurrency: number }
    | { kind: 'expire'; order: number }
    | { kind: 'pay'; order: number };
  const action: fc.Arbitrary<Action> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('create' as const),
        order: fc.integer({ min: 0, max: 2 }),
        amount: fc.constantFrom(1000, 1000, 1000, 2000),
        concurrency: fc.integer({ min: 1, max: 4 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('expire' as const), order: fc.integer({ min: 0, max: 2 }) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('pay' as const), order: fc.integer({ min: 0, max: 2 }) }) },
  );

  it('returns the open session again, replaces it only once expired, and never charges a paid order twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 12 }), async (actions) => {
        const ids = [nextOrder(), nextOrder(), nextOrder()];
        const model = ids.map(() => ({
          status: 'none' as PaymentStatus | 'none',
          session: undefined as string | undefined,
          amount: 0,
          attempt: 0,
        }));
        const createdBefore = server.sim.calls.sessionsCreated;
        let expectedSessions = 0;
        for (const step of actions) {
          const order = model[step.order] as (typeof model)[number];
          const orderId = ids[step.order] as string;
          if (step.kind === 'create') {
            const responses = await Promise.all(
              Array.from({ length: step.concurrency }, () => createSession(orderId, step.amount)),
            );
            if (order.status === 'paid') {
              for (const response of responses) expect(response.body.error_code).toBe('PAYMENT_ALREADY_PAID');
            } else if (order.status === 'pending' && order.amount !== step.amount) {
              for (const response of responses) expect(response.body.error_code).toBe('PAYMENT_AMOUNT_MISMATCH');
            } else {
              const sessions = new Set(responses.map((response) => response.body.session_id));
              expect(sessions.size).toBe(1);
              expect(responses.every((response) => response.status === 200)).toBe(true);
              const [session] = sessions as Set<string>;
              if (order.status === 'pending') expect(session).toBe(order.session);
              else {
                expectedSessions += 1;
                order.attempt += 1;
                Object.assign(order, { status: 'pending', session, amount: step.amount });
              }
              expect(responses[0]?.body.attempt).toBe(order.attempt);
            }
          } else if (order.status === 'pending' && order.session) {
            const event =
              step.kind === 'pay'
                ? sessionEvent(server.sim, 'checkout.session.completed', server.sim.complete(order.session).id)
                : sessionEvent(server.sim, 'checkout.session.expired', server.sim.expire(order.session).id);
            expect((await server.deliver(event)).body).toMatchObject({ outcome: 'applied' });
            order.status = step.kind === 'pay' ? 'paid' : 'expired';
          }
        }
        expect(server.sim.calls.sessionsCreated - createdBefore).toBe(expectedSessions);
        for (const [index, orderId] of ids.entries()) {
          const expected = model[index] as (typeof model)[number];
          const stored = await server.as('tenant-a')('GET', `/api/payments/orders/${orderId}/payment`);
          if (expected.status === 'none') expect(stored.status).toBe(404);
          else expect(stored.body).toMatchObject({ status: expected.status, session_id: expected.session });
        }
      }),
      { numRuns: 12 },
    );
  });
});

describe('Property 10: only a correctly signed, fresh delivery is accepted', () => {
  type Tamper =
    | { kind: 'body'; at: number; char: string }
    | { kind: 'secret'; secret: string }
    | { kind: 'stale'; seconds: number }
    | { kind: 'missing' }
    | { kind: 'garbage'; header: string }
    | { kind: 'v0_only' }
    | { kind: 'other_body' };
  const tamper: fc.Arbitrary<Tamper> = fc.oneof(
    fc.record({ kind: fc.constant('body' as const), at: fc.nat(), char: fc.string({ minLength: 1, maxLength: 1 }) }),
    fc.record({
      kind: fc.constant('secret' as const),
      secret: fc.stringMatching(/^[A-Za-z0-9]{8,40}$/).map((value) => `whsec_${value}`),
    }),
    fc.record({ kind: fc.constant('stale' as const), seconds: fc.integer({ min: 301, max: 10 * 86_400 }) }),
    fc.constant({ kind: 'missing' as const }),
    fc.record({ kind: fc.constant('garbage' as const), header: fc.string({ minLength: 1, maxLength: 80 }) }),
    fc.constant({ kind: 'v0_only' as const }),
    fc.constant({ kind: 'other_body' as const }),
  );

  it('rejects any tampered body, wrong secret, stale timestamp or missing header with 400 and changes nothing', async () => {
    const orderId = nextOrder();
    const sessionId = (await createSession(orderId)).body.session_id as string;
    await fc.assert(
      fc.asyncProperty(tamper, fc.constantFrom(...OUTCOMES), async (change, outcome) => {
        const { type, paymentStatus } = OUTCOME_TYPES[outcome];
        const event = sessionEvent(server.sim, type, sessionId, { payment_status: paymentStatus });
        let body = JSON.stringify(event);
        const now = Math.floor(Date.now() / 1000);
        let signature: string | null = Stripe.webhooks.generateTestHeaderString({
          payload: body,
          secret: STRIPE_WEBHOOK_SECRET,
        });
        switch (change.kind) {
          case 'body': {
            const at = change.at % body.length;
            const replacement = body[at] === change.char ? (change.char === 'x' ? 'y' : 'x') : change.char;
            body = body.slice(0, at) + replacement + body.slice(at + 1);
            break;
          }
          case 'secret':
            signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: change.secret });
            break;
          case 'stale':
            signature = Stripe.webhooks.generateTestHeaderString({
              payload: body,
              secret: STRIPE_WEBHOOK_SECRET,
              timestamp: now - change.seconds,
            });
            break;
          case 'missing':
            signature = null;
            break;
          case 'garbage':
            signature = change.header;
            break;
          case 'v0_only':
            signature = (signature as string).replace('v1=', 'v0=');
            break;
          case 'other_body':
            signature = Stripe.webhooks.generateTestHeaderString({
              payload: JSON.stringify({ ...event, id: 'evt_other' }),
              secret: STRIPE_WEBHOOK_SECRET,
            });
            break;
        }
        const before = server.state();
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (signature !== null) headers['stripe-signature'] = signature;
        const response = await server.anonymous('POST', '/api/payments/webhooks/stripe', { body, headers });
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ success: false, error_code: 'WEBHOOK_SIGNATURE_INVALID' });
        expect(server.state()).toBe(before);
      }),
      { numRuns: 60 },
    );
    // The same endpoint takes a correct delivery: the rejections above were about the signatures.
    const good = await server.deliver(sessionEvent(server.sim, 'checkout.session.expired', sessionId));
    expect(good.body).toMatchObject({ outcome: 'applied' });
  });
});

describe('Property 11: events arriving twice and out of order end in the state the state machine defines', () => {
  type Spec =
    | { target: 'current' | 'earlier'; outcome: SessionOutcome }
    | { target: 'unknown_session'; outcome: SessionOutcome }
    | { target: 'unknown_type' };
  const spec: fc.Arbitrary<Spec> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ target: fc.constant('current' as const), outcome: fc.constantFrom(...OUTCOMES) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ target: fc.constant('earlier' as const), outcome: fc.constantFrom(...OUTCOMES) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ target: fc.constant('unknown_session' as const), outcome: fc.constantFrom(...OUTCOMES) }),
    },
    { weight: 1, arbitrary: fc.constant({ target: 'unknown_type' as const }) },
  );

  it('applies each event once, in any order, with paid terminal', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fc.tuple(spec, fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 24, maxLength: 24 }),
        fc.integer({ min: 1, max: 3 }),
        async (replaced, specs, shuffleKeys, parallel) => {
          const orderId = nextOrder();
          let earlier: string | undefined;
          let current = (await createSession(orderId)).body.session_id as string;
          if (replaced) {
            earlier = current;
            server.sim.expire(earlier);
            await server.deliver(sessionEvent(server.sim, 'checkout.session.expired', earlier));
            current = (await createSession(orderId)).body.session_id as string;
          }
          const start = (await server.as('tenant-a')('GET', `/api/payments/orders/${orderId}/payment`)).body;
          const events = specs.map(([item]) => {
            if (item.target === 'unknown_type')
              return { item, event: stripeEvent('customer.updated', { id: 'cus_1' }) };
            const { type, paymentStatus } = OUTCOME_TYPES[item.outcome];
            const sessionId =
              item.target === 'current'
                ? current
                : item.target === 'earlier'
                  ? (earlier ?? current)
                  : 'cs_test_unknown';
            const base = server.sim.sessions.get(current);
            const object = {
              ...base,
              id: sessionId,
              payment_status: paymentStatus,
              // A session we never made, naming our order but not our payment.
              ...(item.target === 'unknown_session' ? { metadata: { tenant_id: 'tenant-a', order_id: orderId } } : {}),
            };
            return {
              item: { ...item, target: item.target === 'earlier' && !earlier ? 'current' : item.target },
              event: stripeEvent(type, object),
            };
          });
          // Every event one to three times, shuffled, delivered a few at a time concurrently.
          const deliveries = events
            .flatMap((entry, index) => Array.from({ length: specs[index]?.[1] ?? 1 }, () => entry))
            .map((entry, index) => ({ entry, key: shuffleKeys[index % shuffleKeys.length] ?? 0, index }))
            .sort((a, b) => a.key - b.key || a.index - b.index)
            .map(({ entry }) => entry);
          for (let at = 0; at < deliveries.length; at += parallel) {
            const batch = deliveries.slice(at, at + parallel);
            const responses = await Promise.all(batch.map(({ event }) => server.deliver(event)));
            for (const response of responses) expect(response.status).toBe(200);
          }

          // The model: the state machine over each distinct event, in the order first delivered.
          let state: SessionState = { status: start.status as PaymentStatus, sessionStatus: 'open' };
          const trail: string[] = [];
          const refused = new Set<string>();
          const seen = new Set<string>();
          for (const { item, event } of deliveries) {
            if (seen.has(event.id as string)) continue;
            seen.add(event.id as string);
            if (item.target === 'current') {
              state = nextState(state, item.outcome);
              trail.push(event.id as string);
            } else if (item.target === 'earlier') {
              if (['completed_paid', 'async_succeeded'].includes(item.outcome)) state = { ...state, status: 'paid' };
              trail.push(event.id as string);
            } else if (item.target === 'unknown_session') {
              // From the payment's own account: on the trail as refused, changing nothing.
              trail.push(event.id as string);
              refused.add(event.id as string);
            }
          }
          const final = await server.as('tenant-a')('GET', `/api/payments/orders/${orderId}/payment`);
          expect(final.body.status).toBe(state.status);
          const recorded = (final.body.events as Array<{ event_id: string }>).map((entry) => entry.event_id);
          const previous = (start.events as Array<{ event_id: string }>).map((entry) => entry.event_id);
          expect(recorded.slice(0, previous.length)).toEqual(previous);
          expect(recorded.slice(previous.length).sort()).toEqual([...trail].sort());
          for (const entry of final.body.events as Array<{ event_id: string; applied: boolean; refused?: string }>) {
            if (refused.has(entry.event_id))
              expect(entry).toMatchObject({ applied: false, refused: 'unknown_session' });
            else expect(entry.refused).toBeUndefined();
          }
          if (state.status !== 'pending' || state.sessionStatus !== 'open') expect(final.body.checkout_url).toBeNull();
        },
      ),
      { numRuns: 40 },
    );
  });
});
