import { existsSync, readFileSync } from 'node:fs';
import { type EventReceiver, startEventReceiver } from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HostEvent, verifyEventSignature } from '../src/index.js';
import { type EventHarness, eventHarness, FIXTURE_SECRETS } from './event-fixtures.js';

const SECRET = 'whsec_test_events_0123456789abcdef';

describe('webhook delivery of host events', () => {
  let harness: EventHarness;
  let receiver: EventReceiver;
  beforeEach(async () => {
    harness = eventHarness();
    receiver = await startEventReceiver();
  });
  afterEach(async () => {
    await harness.close();
    await receiver.close();
  });

  const delivering = (options: { retryBaseMs?: number; logger?: never } = {}) =>
    harness.open({
      outbound: { allowedPrivateHosts: [receiver.hostPort] },
      events: {
        delivery: { url: receiver.url, secret: SECRET, timeoutMs: 300, retryBaseMs: options.retryBaseMs ?? 1000 },
      },
    });

  /** Connects and disconnects: three events for tenant-a. */
  async function threeEvents(integrations: Awaited<ReturnType<typeof delivering>>['integrations']) {
    await integrations.connections.connect('tenant-a', 'payco', { account: 'acct_a' });
    await integrations.connections.disconnect('tenant-a', 'payco');
    await integrations.connections.connect('tenant-a', 'payco', { account: 'acct_a' });
  }

  it('delivers every event through a failure and a timeout, signed, with duplicates only under the same id', async () => {
    const { integrations } = await delivering();
    expect(integrations.capabilities().features.events).toBe(true);
    const emitted: HostEvent[] = [];
    integrations.events.on('*', (event) => {
      emitted.push(event);
    });
    await threeEvents(integrations);
    const delivery = integrations.events.delivery;
    if (!delivery) throw new Error('delivery expected');

    receiver.script([500, 'hang'], 204);
    expect(await delivery.deliverDue()).toEqual({ delivered: 1, retried: 2, failed: 0 });
    // Not due yet: the retry waits for its backoff.
    expect(await delivery.deliverDue()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    harness.clock.advance(1000);
    expect(await delivery.deliverDue()).toEqual({ delivered: 2, retried: 0, failed: 0 });
    expect(await delivery.deliverDue()).toEqual({ delivered: 0, retried: 0, failed: 0 });

    const byId = new Map<string, Set<string>>();
    for (const request of receiver.received) {
      const id = (JSON.parse(request.body) as HostEvent).id;
      expect(request.headers['pos-event-id']).toBe(id);
      byId.set(id, (byId.get(id) ?? new Set()).add(request.body));
      const now = Math.floor(harness.clock.now().getTime() / 1000);
      expect(verifyEventSignature(SECRET, request.body, String(request.headers['pos-signature']), now)).toBe(true);
      expect(
        verifyEventSignature('another-secret-0123456789', request.body, String(request.headers['pos-signature']), now),
      ).toBe(false);
    }
    // Every event arrived; a repeated id always carried the same body.
    expect([...byId.keys()].sort()).toEqual(emitted.map((event) => event.id).sort());
    for (const bodies of byId.values()) expect(bodies.size).toBe(1);
    const delivered = receiver.received
      .filter((request) => request.answer === 204)
      .map((request) => JSON.parse(request.body));
    expect(delivered.map((event: HostEvent) => event.type).sort()).toEqual([
      'integration.connected',
      'integration.connected',
      'integration.disconnected',
    ]);
    expect(delivered.find((event: HostEvent) => event.type === 'integration.disconnected')).toEqual(
      emitted.find((event) => event.type === 'integration.disconnected'),
    );

    const log = await integrations.events.log('tenant-a');
    expect(log.events).toHaveLength(3);
    for (const entry of log.events) expect(entry).toMatchObject({ status: 'delivered', next_attempt_at: null });
    const attempts = log.events.flatMap((entry) => entry.deliveries);
    expect(attempts.map((attempt) => attempt.status_code).sort()).toEqual([204, 204, 204, 500, null]);
    expect(attempts.find((attempt) => attempt.status_code === 500)?.error).toBe('The events URL answered HTTP 500.');
    expect(attempts.find((attempt) => attempt.status_code === null)?.error).toMatch(/did not answer within 0.3 s/);
    expect((await integrations.events.log('tenant-b')).events).toEqual([]);
  });

  it('lets one of two servers on one database post each event', async () => {
    const first = await delivering();
    const second = await delivering();
    await threeEvents(first.integrations);
    await Promise.all([
      first.integrations.events.delivery?.deliverDue(),
      second.integrations.events.delivery?.deliverDue(),
    ]);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((request) => request.headers['pos-event-id'])).size).toBe(3);
  });

  it('keeps retrying with growing pauses for the retry window, then gives up and says so', async () => {
    const { integrations } = await delivering({ retryBaseMs: 10_000 });
    await integrations.connections.connect('tenant-a', 'payco', { account: 'acct_a' });
    const delivery = integrations.events.delivery;
    if (!delivery) throw new Error('delivery expected');
    receiver.script([], 503);
    const pauses: number[] = [];
    let last = harness.clock.now().getTime();
    for (let pass = 0; pass < 200; pass += 1) {
      const report = await delivery.deliverDue();
      if (report.retried + report.failed > 0) {
        pauses.push(harness.clock.now().getTime() - last);
        last = harness.clock.now().getTime();
      }
      if (report.failed > 0) break;
      const [entry] = (await integrations.events.log('tenant-a')).events;
      harness.clock.set(entry?.next_attempt_at ?? harness.clock.now().toISOString());
    }
    const [entry] = (await integrations.events.log('tenant-a')).events;
    expect(entry).toMatchObject({ status: 'failed', last_status_code: 503, next_attempt_at: null });
    // Doubling from 10 s up to an hour, for three days after the event.
    expect(pauses.slice(1, 4)).toEqual([10_000, 20_000, 40_000]);
    expect(Math.max(...pauses)).toBe(3_600_000);
    const span = harness.clock.now().getTime() - Date.parse(entry?.created_at ?? '');
    expect(span).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(span).toBe(3 * 24 * 3_600_000);
  });

  it('never writes the signing secret or a credential into an event, the log or the database', async () => {
    const lines: string[] = [];
    const capture = (fields: unknown, message?: unknown) => {
      lines.push(`${String(message)} ${JSON.stringify(fields)}`);
    };
    const { integrations } = await harness.open({
      logger: { debug: capture, info: capture, warn: capture, error: capture },
      outbound: { allowedPrivateHosts: [receiver.hostPort] },
      events: { delivery: { url: receiver.url, secret: SECRET, timeoutMs: 300 } },
    });
    await threeEvents(integrations);
    await integrations.connections.connect('tenant-a', 'flaky', { name: 'x' });
    await integrations.connections.test('tenant-a', 'flaky');
    receiver.script([500]);
    await integrations.events.delivery?.deliverDue();
    const log = JSON.stringify(await integrations.events.log('tenant-a'));
    const received = JSON.stringify(receiver.received.map((request) => request.body));
    const database = [harness.dbPath, `${harness.dbPath}-wal`]
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path).toString('latin1'))
      .join('');
    for (const secret of [SECRET, ...FIXTURE_SECRETS]) {
      for (const text of [log, received, lines.join('\n'), database]) expect(text).not.toContain(secret);
    }
  });

  it('refuses a delivery setup that could not work or would give up too soon', async () => {
    const base = { outbound: { allowedPrivateHosts: [receiver.hostPort] } };
    await expect(
      harness.open({ ...base, events: { delivery: { url: receiver.url, secret: 'short' } } }),
    ).rejects.toThrow(/at least 16 characters/);
    await expect(
      harness.open({ ...base, events: { delivery: { url: receiver.url, secret: SECRET, retryForMs: 3_600_000 } } }),
    ).rejects.toThrow(/at least 24 hours/);
    await expect(
      harness.open({ events: { delivery: { url: 'http://10.0.0.8/hook', secret: SECRET } } }),
    ).rejects.toThrow(/events URL/);
  });
});
