import { describe, expect, it } from 'vitest';
import type { IntegrationStorage } from './port.js';
import type { SyncItemWrite } from './sync.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:05:00.000Z';
const T2 = '2026-01-01T00:10:00.000Z';

function change(tenantId: string, sku: string, op: 'upsert' | 'delete' = 'upsert'): SyncItemWrite {
  return {
    tenantId,
    entity: 'products',
    op,
    recordKey: JSON.stringify([sku]),
    payload: op === 'upsert' ? { sku, name: `Product ${sku} — ☕`, price: 450, tags: ['a', null] } : { sku },
  };
}

// Postgres `serial` ids are 32-bit.
const ALL = { afterId: 0, upToId: 2 ** 31 - 1 };

/** The sync outbox stores; part of {@link describeStorageConformance}. */
export function describeSyncConformance(storage: () => IntegrationStorage): void {
  describe('sync queue', () => {
    it('lists a tenant’s pending items oldest first, within an id range, payloads intact', async () => {
      await storage().syncQueue.enqueue(
        [change('tenant-a', 'A'), change('tenant-b', 'B'), change('tenant-a', 'C')],
        T0,
      );
      await storage().syncQueue.enqueue([change('tenant-a', 'A', 'delete')], T1);
      const items = await storage().syncQueue.listPending('tenant-a', ALL, 10);
      expect(items.map((item) => [item.recordKey, item.op])).toEqual([
        ['["A"]', 'upsert'],
        ['["C"]', 'upsert'],
        ['["A"]', 'delete'],
      ]);
      expect(items[0]).toMatchObject({
        tenantId: 'tenant-a',
        entity: 'products',
        payload: { sku: 'A', name: 'Product A — ☕', price: 450, tags: ['a', null] },
        status: 'pending',
        attempts: 0,
        lastError: null,
        createdAt: T0,
      });
      const [first, second, third] = items.map((item) => item.id) as [number, number, number];
      expect(first < second && second < third).toBe(true);
      expect(await storage().syncQueue.lastPendingId('tenant-a')).toBe(third);
      expect(
        (await storage().syncQueue.listPending('tenant-a', { afterId: first, upToId: second }, 10)).map((i) => i.id),
      ).toEqual([second]);
      expect((await storage().syncQueue.listPending('tenant-a', ALL, 2)).map((i) => i.id)).toEqual([first, second]);
      expect(await storage().syncQueue.lastPendingId('tenant-c')).toBeUndefined();
      expect(await storage().syncQueue.tenantsWithPending(undefined, 10)).toEqual(['tenant-a', 'tenant-b']);
      expect(await storage().syncQueue.tenantsWithPending(undefined, 1)).toEqual(['tenant-a']);
      expect(await storage().syncQueue.tenantsWithPending('tenant-a', 10)).toEqual(['tenant-b']);
    });

    it('settles only pending items of the tenant, counting attempts', async () => {
      await storage().syncQueue.enqueue(
        [change('tenant-a', 'A'), change('tenant-a', 'B'), change('tenant-a', 'C')],
        T0,
      );
      await storage().syncQueue.enqueue([change('tenant-b', 'D')], T0);
      const [a, b, c] = (await storage().syncQueue.listPending('tenant-a', ALL, 10)).map((item) => item.id) as [
        number,
        number,
        number,
      ];
      const [d] = (await storage().syncQueue.listPending('tenant-b', ALL, 10)).map((item) => item.id) as [number];
      expect(await storage().syncQueue.settle('tenant-a', [c], { status: 'pending', error: 'HTTP 503' }, T1)).toBe(1);
      expect(await storage().syncQueue.settle('tenant-a', [a, d], { status: 'done' }, T1)).toBe(1);
      expect(
        await storage().syncQueue.settle('tenant-a', [b], { status: 'failed', error: '23505: duplicate' }, T1),
      ).toBe(1);
      expect(await storage().syncQueue.settle('tenant-a', [a, b], { status: 'done' }, T2)).toBe(0);

      const pending = await storage().syncQueue.listPending('tenant-a', ALL, 10);
      expect(pending).toEqual([expect.objectContaining({ id: c, attempts: 1, lastError: 'HTTP 503', updatedAt: T1 })]);
      expect(await storage().syncQueue.counts('tenant-a')).toEqual({ pending: 1, failed: 1 });
      expect(await storage().syncQueue.counts('tenant-b')).toEqual({ pending: 1, failed: 0 });

      expect(await storage().syncQueue.retryFailed('tenant-a', T2)).toBe(1);
      expect((await storage().syncQueue.listPending('tenant-a', ALL, 10)).map((item) => item.id)).toEqual([b, c]);
      expect(await storage().syncQueue.counts('tenant-a')).toEqual({ pending: 2, failed: 0 });
    });

    it('prunes delivered items by age and discards a tenant’s undelivered ones', async () => {
      await storage().syncQueue.enqueue([change('tenant-a', 'A'), change('tenant-a', 'B')], T0);
      await storage().syncQueue.enqueue([change('tenant-b', 'C')], T0);
      const [a] = (await storage().syncQueue.listPending('tenant-a', ALL, 10)).map((item) => item.id) as [number];
      await storage().syncQueue.settle('tenant-a', [a], { status: 'done' }, T1);
      expect(await storage().syncQueue.pruneDone('tenant-a', T1)).toBe(0);
      expect(await storage().syncQueue.pruneDone('tenant-b', T2)).toBe(0);
      expect(await storage().syncQueue.pruneDone('tenant-a', T2)).toBe(1);
      expect(await storage().syncQueue.discard('tenant-a')).toBe(1);
      expect(await storage().syncQueue.counts('tenant-a')).toEqual({ pending: 0, failed: 0 });
      expect(await storage().syncQueue.counts('tenant-b')).toEqual({ pending: 1, failed: 0 });
    });

    it('enqueues inside a transaction, and not at all when it rolls back', async () => {
      await expect(
        storage().transaction(async (tx) => {
          await tx.syncQueue.enqueue([change('tenant-a', 'A')], T0);
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await storage().syncQueue.counts('tenant-a')).toEqual({ pending: 0, failed: 0 });
      await storage().transaction((tx) => tx.syncQueue.enqueue([change('tenant-a', 'A')], T0));
      expect(await storage().syncQueue.counts('tenant-a')).toEqual({ pending: 1, failed: 0 });
    });

    it('enqueues more rows than one statement holds, in order', async () => {
      const many = Array.from({ length: 1_203 }, (_, index) => change('tenant-a', `SKU-${index}`));
      await storage().syncQueue.enqueue(many, T0);
      const listed = await storage().syncQueue.listPending('tenant-a', ALL, 2_000);
      expect(listed.map((item) => item.recordKey)).toEqual(many.map((item) => item.recordKey));
      expect(
        await storage().syncQueue.settle(
          'tenant-a',
          listed.map((item) => item.id),
          { status: 'done' },
          T1,
        ),
      ).toBe(1_203);
    });
  });

  describe('sync claims', () => {
    it('gives the claim to exactly one of several concurrent flushers', async () => {
      const won = await Promise.all(
        Array.from({ length: 8 }, (_, index) => storage().syncState.claim('tenant-a', 'supabase', `t${index}`, T0, T1)),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await storage().syncState.claim('tenant-b', 'supabase', 'other-tenant', T0, T1)).toBe(true);
    });

    it('hands an expired or released claim over, and the old holder can no longer renew it', async () => {
      expect(await storage().syncState.claim('tenant-a', 'supabase', 'first', T0, T1)).toBe(true);
      expect(await storage().syncState.claim('tenant-a', 'supabase', 'second', T0, T1)).toBe(false);
      expect(await storage().syncState.renewClaim('tenant-a', 'supabase', 'first', T2)).toBe(true);
      expect(await storage().syncState.claim('tenant-a', 'supabase', 'second', T1, T2)).toBe(false);
      expect(await storage().syncState.claim('tenant-a', 'supabase', 'second', T2, '2026-01-01T00:15:00.000Z')).toBe(
        true,
      );
      expect(await storage().syncState.renewClaim('tenant-a', 'supabase', 'first', T2)).toBe(false);
      await storage().syncState.releaseClaim('tenant-a', 'supabase', 'first');
      expect(await storage().syncState.claim('tenant-a', 'supabase', 'third', T2, T2)).toBe(false);
      await storage().syncState.releaseClaim('tenant-a', 'supabase', 'second');
      expect(await storage().syncState.claim('tenant-a', 'supabase', 'third', T2, T2)).toBe(true);
    });

    it('records the last sync time, kept across claims', async () => {
      expect(await storage().syncState.get('tenant-a', 'supabase')).toBeUndefined();
      await storage().syncState.recordSync('tenant-a', 'supabase', T1);
      expect(await storage().syncState.claim('tenant-a', 'supabase', 'token', T1, T2)).toBe(true);
      expect(await storage().syncState.get('tenant-a', 'supabase')).toEqual({
        tenantId: 'tenant-a',
        provider: 'supabase',
        lastSyncAt: T1,
        claimExpiresAt: T2,
      });
      await storage().syncState.recordSync('tenant-a', 'supabase', T2);
      expect((await storage().syncState.get('tenant-a', 'supabase'))?.lastSyncAt).toBe(T2);
      expect(await storage().syncState.get('tenant-b', 'supabase')).toBeUndefined();
    });
  });
}
