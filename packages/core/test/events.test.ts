import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOST_EVENT_TYPES, type HostEvent, IntegrationError, PAYMENT_EVENTS } from '../src/index.js';
import { type EventHarness, eventHarness, FIXTURE_SECRETS, sessionEvent } from './event-fixtures.js';

describe('host events for subscribers', () => {
  let harness: EventHarness;
  beforeEach(() => {
    harness = eventHarness();
  });
  afterEach(() => harness.close());

  const outbox = { delivery: { url: 'https://events.example.com/hooks/pos', secret: 'whsec_events_0123456789abcdef' } };

  it.each([
    ['to subscribers only', {}],
    ['to subscribers and the outbox', outbox],
  ])(
    'emits each event type from the action that causes it (%s), with an id, a time, the tenant and the object',
    async (_, events) => {
      const { integrations } = await harness.open({ events });
      const seen: HostEvent[] = [];
      integrations.events.on('*', (event) => {
        seen.push(event);
      });
      const only = (type: string) => seen.filter((event) => event.type === type);

      await integrations.connections.connect('tenant-a', 'payco', { account: 'acct_a' });
      expect(only('integration.connected')).toHaveLength(1);
      expect(only('integration.connected')[0]).toMatchObject({
        id: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
        created_at: harness.clock.now().toISOString(),
        tenant_id: 'tenant-a',
        object: { object: 'integration', provider: 'payco', status: 'connected', needs_reconnect: false },
      });

      await integrations.connections.connect('tenant-a', 'flaky', { name: 'x' });
      await integrations.connections.test('tenant-a', 'flaky');
      await integrations.connections.test('tenant-a', 'flaky');
      expect(only('integration.test_failed')).toHaveLength(2);
      // Reconnecting is needed once; the second failure does not announce it again.
      expect(only('integration.needs_reconnect')).toHaveLength(1);
      expect(only('integration.test_failed')[0]?.object).toMatchObject({
        provider: 'flaky',
        status: 'error',
        needs_reconnect: true,
        error_code: 'PROVIDER_REJECTED',
      });
      await integrations.connections.disconnect('tenant-a', 'flaky');
      expect(only('integration.disconnected')[0]?.object).toMatchObject({ provider: 'flaky', status: 'disconnected' });

      const payments = integrations.payments;
      if (!payments) throw new Error('payments expected');
      const at = harness.clock.now().toISOString();
      const outcomes = [
        ['O-paid', 'completed_paid', 'payment.paid'],
        ['O-failed', 'async_failed', 'payment.failed'],
        ['O-expired', 'expired', 'payment.expired'],
      ] as const;
      for (const [orderId, outcome, type] of outcomes) {
        const created = await payments.createCheckoutSession('tenant-a', {
          order_id: orderId,
          amount: 990,
          currency: 'usd',
        });
        const event = sessionEvent(`evt_${orderId}`, outcome, { id: created.session_id, orderId, amount: 990 }, at);
        await payments.handleWebhook(event);
        // A repeated webhook changes nothing and emits nothing.
        await payments.handleWebhook(event);
        expect(only(type)).toHaveLength(1);
        expect(only(type)[0]?.object).toMatchObject({ object: 'payment', order_id: orderId, amount: 990 });
      }
      expect(only('payment.paid')[0]?.object).toMatchObject({ status: 'paid', checkout_url: null });

      await integrations.connections.connect('tenant-a', 'hub', { url: 'https://hub.example' });
      await integrations.sync.enqueue('tenant-a', 'orders', 'upsert', { id: 'O-1', total: 990 });
      harness.target.failNext = Array.from(
        { length: 5 },
        () => new IntegrationError('PROVIDER_UNAVAILABLE', 'Hub is down for maintenance.'),
      );
      await expect(integrations.sync.flush('tenant-a')).rejects.toThrow();
      expect(only('sync.failed')[0]?.object).toMatchObject({
        object: 'sync_failure',
        provider: 'hub',
        error_code: 'PROVIDER_UNAVAILABLE',
        delivered: 0,
        pending_queue_count: expect.any(Number),
      });

      for (const secret of FIXTURE_SECRETS) expect(JSON.stringify(seen)).not.toContain(secret);
      if (integrations.events.delivery) {
        // Every event the subscribers heard of is in the outbox, written with its change.
        const logged = await integrations.events.log('tenant-a', { limit: 100 });
        expect(logged.events.map((entry) => entry.event_id).sort()).toEqual(seen.map((event) => event.id).sort());
        expect(logged.events.every((entry) => entry.status === 'pending' && entry.attempts === 0)).toBe(true);
      }
    },
  );

  it('emits batch.completed and batch.failed from the Data Manager', async () => {
    const { integrations } = await harness.open({ events: {} });
    const seen: HostEvent[] = [];
    integrations.events.on('batch.completed', (event) => {
      seen.push(event);
    });
    integrations.events.on('batch.failed', (event) => {
      seen.push(event);
    });
    const batches = integrations.batches;
    if (!batches) throw new Error('Data Manager expected');
    const seeded = await (await batches.seed('tenant-a', { entityType: 'products', count: 3 })).done;
    expect(seen).toEqual([
      expect.objectContaining({
        type: 'batch.completed',
        tenant_id: 'tenant-a',
        object: expect.objectContaining({ object: 'batch', id: seeded.id, status: 'completed', record_count: 3 }),
      }),
    ]);
    const bad = await (
      await batches.upload('tenant-a', {
        entityType: 'products',
        source: (async function* () {
          yield 'sku,name,price\nA-1,,not-a-price\n';
        })(),
      })
    ).done;
    expect(bad.status).toBe('failed');
    expect(seen[1]).toMatchObject({ type: 'batch.failed', object: { id: bad.id, status: 'failed' } });
    // The row errors (values from the merchant's file) stay out of the event.
    expect(seen[1]?.object).not.toHaveProperty('errors');
    const purged = await batches.purge('tenant-a', seeded.id);
    expect(seen[2]).toMatchObject({ type: 'batch.completed', object: { id: purged.purge.id, type: 'purge' } });
  });

  it('tells subscribers only of committed changes, after the commit', async () => {
    const { integrations, storage } = await harness.open({ events: {} });
    const seen: HostEvent[] = [];
    integrations.events.on('integration.connected', async (event) => {
      // The change is visible to a new reader when the subscriber hears of it.
      expect(await storage.credentials.get(event.tenant_id, 'payco')).toBeDefined();
      seen.push(event);
    });
    // The connection's log row fails to write: the transaction rolls back and no event is told.
    const transaction = storage.transaction.bind(storage);
    storage.transaction = (work) =>
      transaction((tx) => {
        tx.logs.append = async () => {
          throw new Error('disk full');
        };
        return work(tx);
      });
    await expect(integrations.connections.connect('tenant-a', 'payco', { account: 'acct_a' })).rejects.toThrow(
      'disk full',
    );
    storage.transaction = transaction;
    expect(seen).toEqual([]);
    expect(await storage.credentials.get('tenant-a', 'payco')).toBeUndefined();
    await integrations.connections.connect('tenant-a', 'payco', { account: 'acct_a' });
    expect(seen).toHaveLength(1);
  });

  it('logs a throwing subscriber and still tells the others, and unsubscribes', async () => {
    const logged: string[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (fields: unknown, message?: unknown) => {
        logged.push(`${String(message)} ${JSON.stringify(fields)}`);
      },
    };
    const { integrations } = await harness.open({ events: {}, logger });
    const told: string[] = [];
    integrations.events.on('integration.connected', () => {
      throw new Error('subscriber bug');
    });
    integrations.events.on('integration.connected', async () => {
      throw new Error('async subscriber bug');
    });
    const off = integrations.events.on('*', (event) => {
      told.push(event.type);
    });
    const result = await integrations.connections.connect('tenant-a', 'payco', { account: 'acct_a' });
    expect(result.success).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(told).toEqual(['integration.connected']);
    expect(logged.filter((line) => line.startsWith('An event subscriber failed'))).toHaveLength(2);
    expect(logged.join('\n')).toContain('subscriber bug');
    off();
    await integrations.connections.disconnect('tenant-a', 'payco');
    expect(told).toEqual(['integration.connected']);
    expect(() => integrations.events.on('payment.lost' as never, () => undefined)).toThrow(/no "payment.lost" event/);
  });

  it('maps every payment status with an event in one table, and every mapped event is a known type', () => {
    expect(PAYMENT_EVENTS).toMatchObject({
      paid: 'payment.paid',
      failed: 'payment.failed',
      expired: 'payment.expired',
    });
    for (const type of Object.values(PAYMENT_EVENTS)) expect(HOST_EVENT_TYPES).toContain(type);
    expect(PAYMENT_EVENTS).not.toHaveProperty('pending');
  });
});
