import { describe, expect, it } from 'vitest';
import type { DeliveryAttempt, EventClaim, OutboxEventWrite } from './events.js';
import type { IntegrationStorage } from './port.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:10.000Z';
const T2 = '2026-01-01T00:01:00.000Z';
const T3 = '2026-01-01T00:05:00.000Z';

function event(id: string, overrides: Partial<OutboxEventWrite> = {}): OutboxEventWrite {
  return { id, tenantId: 'tenant-a', type: 'payment.paid', body: `{"id":"${id}"}`, createdAt: T0, ...overrides };
}

function claim(token: string, overrides: Partial<EventClaim> = {}): EventClaim {
  return { token, now: T1, until: T2, limit: 10, ...overrides };
}

function attempt(eventId: string, n: number, statusCode: number | null, error: string | null): DeliveryAttempt {
  return { eventId, attempt: n, attemptedAt: T1, statusCode, error, durationMs: 12 };
}

/** The host events outbox: durable events, claims that let one server post each, and the delivery log. */
export function describeEventOutboxConformance(storage: () => IntegrationStorage): void {
  describe('event outbox', () => {
    it('stores an event pending and due, with its body byte for byte, and refuses a second with its id', async () => {
      const body = '{"id":"evt_1","object":{"name":"Café ☕"}}';
      await storage().eventOutbox.append(event('evt_1', { body }));
      await expect(storage().eventOutbox.append(event('evt_1'))).rejects.toThrow();
      const [stored] = await storage().eventOutbox.list('tenant-a', { limit: 10 });
      expect(stored).toMatchObject({ id: 'evt_1', status: 'pending', attempts: 0, nextAttemptAt: T0, body });
      expect(await storage().eventOutbox.list('tenant-b', { limit: 10 })).toEqual([]);
    });

    it('gives each due event to exactly one of many concurrent claimants', async () => {
      for (let index = 0; index < 5; index += 1) await storage().eventOutbox.append(event(`evt_${index}`));
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) => storage().eventOutbox.claimDue(claim(`token-${index}`))),
      );
      const ids = results.flat().map((claimed) => claimed.id);
      expect(ids.sort()).toEqual(['evt_0', 'evt_1', 'evt_2', 'evt_3', 'evt_4']);
    });

    it('claims nothing before it is due, and an abandoned claim again once it expired', async () => {
      await storage().eventOutbox.append(event('evt_1', { createdAt: T1 }));
      expect(await storage().eventOutbox.claimDue(claim('early', { now: T0 }))).toEqual([]);
      expect(await storage().eventOutbox.claimDue(claim('first'))).toHaveLength(1);
      expect(await storage().eventOutbox.claimDue(claim('second'))).toEqual([]);
      expect(await storage().eventOutbox.claimDue(claim('after-expiry', { now: T2, until: T3 }))).toHaveLength(1);
      // The first holder lost it: its late settle changes nothing.
      expect(
        await storage().eventOutbox.settle('evt_1', 'first', attempt('evt_1', 1, 200, null), { status: 'delivered' }),
      ).toBe(false);
      expect(
        await storage().eventOutbox.settle('evt_1', 'after-expiry', attempt('evt_1', 1, 200, null), {
          status: 'delivered',
        }),
      ).toBe(true);
      expect(await storage().eventOutbox.attempts('tenant-a', ['evt_1'])).toHaveLength(1);
    });

    it('records each attempt, reschedules a failure, and stops offering a delivered or failed event', async () => {
      await storage().eventOutbox.append(event('evt_1'));
      await storage().eventOutbox.append(event('evt_2'));
      await storage().eventOutbox.claimDue(claim('a'));
      await storage().eventOutbox.settle('evt_1', 'a', attempt('evt_1', 1, 500, 'HTTP 500'), {
        status: 'pending',
        nextAttemptAt: T2,
      });
      await storage().eventOutbox.settle('evt_2', 'a', attempt('evt_2', 1, null, 'no answer'), { status: 'failed' });
      expect(await storage().eventOutbox.claimDue(claim('b'))).toEqual([]);
      const [retried] = await storage().eventOutbox.claimDue(claim('c', { now: T2, until: T3 }));
      expect(retried).toMatchObject({ id: 'evt_1', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500' });
      await storage().eventOutbox.settle(
        'evt_1',
        'c',
        { ...attempt('evt_1', 2, 204, null), attemptedAt: T2 },
        {
          status: 'delivered',
        },
      );
      expect(await storage().eventOutbox.claimDue(claim('d', { now: T3 }))).toEqual([]);
      const listed = await storage().eventOutbox.list('tenant-a', { limit: 10 });
      expect(listed.find((row) => row.id === 'evt_1')).toMatchObject({
        status: 'delivered',
        attempts: 2,
        deliveredAt: T2,
        lastStatusCode: 204,
        lastError: null,
      });
      expect(listed.find((row) => row.id === 'evt_2')).toMatchObject({ status: 'failed', attempts: 1 });
      const attempts = await storage().eventOutbox.attempts('tenant-a', ['evt_1', 'evt_2']);
      expect(attempts.filter((row) => row.eventId === 'evt_1').map((row) => row.statusCode)).toEqual([500, 204]);
      expect(await storage().eventOutbox.attempts('tenant-b', ['evt_1'])).toEqual([]);
    });

    it('lists newest first in pages and prunes only finished events older than the cut', async () => {
      await storage().eventOutbox.append(event('evt_a', { createdAt: T0 }));
      await storage().eventOutbox.append(event('evt_b', { createdAt: T1 }));
      await storage().eventOutbox.append(event('evt_c', { createdAt: T1 }));
      const first = await storage().eventOutbox.list('tenant-a', { limit: 2 });
      expect(first.map((row) => row.id)).toEqual(['evt_c', 'evt_b']);
      const last = first[1] as { createdAt: string; id: string };
      const second = await storage().eventOutbox.list('tenant-a', { limit: 2, before: last });
      expect(second.map((row) => row.id)).toEqual(['evt_a']);

      await storage().eventOutbox.claimDue(claim('t'));
      await storage().eventOutbox.settle('evt_a', 't', attempt('evt_a', 1, 200, null), { status: 'delivered' });
      await storage().eventOutbox.settle('evt_b', 't', attempt('evt_b', 1, 200, null), { status: 'delivered' });
      expect(await storage().eventOutbox.prune(T1)).toBe(1);
      const kept = await storage().eventOutbox.list('tenant-a', { limit: 10 });
      expect(kept.map((row) => row.id).sort()).toEqual(['evt_b', 'evt_c']);
      expect(await storage().eventOutbox.attempts('tenant-a', ['evt_a'])).toEqual([]);
    });

    it('rolls an event back with the transaction that wrote it', async () => {
      await expect(
        storage().transaction(async (tx) => {
          await tx.eventOutbox.append(event('evt_rolled_back'));
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await storage().eventOutbox.list('tenant-a', { limit: 10 })).toEqual([]);
    });
  });
}
