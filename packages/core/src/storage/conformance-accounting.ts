import { describe, expect, it } from 'vitest';
import type { AccountingEntryWrite } from './accounting.js';
import type { IntegrationStorage } from './port.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:05:00.000Z';
const T2 = '2026-01-01T00:10:00.000Z';

function sale(
  tenantId: string,
  reference: string,
  overrides: Partial<AccountingEntryWrite> = {},
): AccountingEntryWrite {
  return {
    tenantId,
    kind: 'sale',
    reference,
    requestId: `req-${tenantId}-${reference}`,
    payload: { amount: 4250, currency: 'usd', occurredAt: T0, memo: 'Card — ☕' },
    ...overrides,
  };
}

/** The accounting ledger's store; part of {@link describeStorageConformance}. */
export function describeAccountingConformance(storage: () => IntegrationStorage): void {
  describe('accounting entries', () => {
    it('queues an entry once per (tenant, kind, reference), keeping the first request id and payload', async () => {
      const first = await storage().accounting.insert(sale('tenant-a', 'order-1'), T0);
      expect(first.created).toBe(true);
      expect(first.entry).toMatchObject({
        tenantId: 'tenant-a',
        kind: 'sale',
        reference: 'order-1',
        requestId: 'req-tenant-a-order-1',
        payload: { amount: 4250, currency: 'usd', occurredAt: T0, memo: 'Card — ☕' },
        state: 'pending',
        attempts: 0,
        nextAttemptAt: T0,
        documentId: null,
        lastError: null,
        pushedAt: null,
        createdAt: T0,
      });
      const again = await storage().accounting.insert(
        sale('tenant-a', 'order-1', { requestId: 'other', payload: { amount: 1, currency: 'eur', occurredAt: T1 } }),
        T1,
      );
      expect(again).toEqual({ created: false, entry: first.entry });
      // Another kind, another tenant: other entries.
      const refund = await storage().accounting.insert(
        sale('tenant-a', 'order-1', {
          kind: 'refund',
          requestId: 'r2',
          payload: { ...first.entry.payload, saleReference: 'order-1' },
        }),
        T0,
      );
      expect(refund.created).toBe(true);
      expect(refund.entry.payload.saleReference).toBe('order-1');
      expect((await storage().accounting.insert(sale('tenant-b', 'order-1'), T0)).created).toBe(true);
      expect(await storage().accounting.counts('tenant-a')).toEqual({
        pending: 2,
        pushed: 0,
        failed: 0,
        lastPushAt: null,
      });
    });

    it('keeps one entry when many writers queue the same sale at once', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          storage().transaction((tx) =>
            tx.accounting.insert(sale('tenant-a', 'order-1', { requestId: `req-${index}` }), T0),
          ),
        ),
      );
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(new Set(results.map((result) => result.entry.requestId)).size).toBe(1);
      expect((await storage().accounting.counts('tenant-a')).pending).toBe(1);
    });

    it('lists a tenant’s due pending entries oldest first, after an id', async () => {
      const a = (await storage().accounting.insert(sale('tenant-a', 'A'), T0)).entry;
      await storage().accounting.insert(sale('tenant-b', 'B'), T0);
      const c = (await storage().accounting.insert(sale('tenant-a', 'C'), T0)).entry;
      const d = (await storage().accounting.insert(sale('tenant-a', 'D'), T0)).entry;
      await storage().accounting.reschedule('tenant-a', c.id, 'Rate limited.', T2, T0);
      const due = await storage().accounting.listDue('tenant-a', T1, 0, 10);
      expect(due.map((entry) => entry.reference)).toEqual(['A', 'D']);
      expect((await storage().accounting.listDue('tenant-a', T1, a.id, 10)).map((entry) => entry.id)).toEqual([d.id]);
      expect((await storage().accounting.listDue('tenant-a', T2, 0, 1)).map((entry) => entry.reference)).toEqual(['A']);
      expect((await storage().accounting.listDue('tenant-a', T2, 0, 10)).map((entry) => entry.reference)).toEqual([
        'A',
        'C',
        'D',
      ]);
      expect(await storage().accounting.tenantsDue(T1, undefined, 10)).toEqual(['tenant-a', 'tenant-b']);
      expect(await storage().accounting.tenantsDue(T1, 'tenant-a', 10)).toEqual(['tenant-b']);
    });

    it('settles only pending entries of the named tenant, counting attempts', async () => {
      const a = (await storage().accounting.insert(sale('tenant-a', 'A'), T0)).entry;
      const b = (await storage().accounting.insert(sale('tenant-a', 'B'), T0)).entry;
      expect(await storage().accounting.markPushed('tenant-b', a.id, '145', T1)).toBe(false);
      expect(await storage().accounting.reschedule('tenant-a', a.id, 'QuickBooks is unavailable.', T1, T0)).toBe(true);
      expect(await storage().accounting.markPushed('tenant-a', a.id, '145', T1)).toBe(true);
      expect(await storage().accounting.markPushed('tenant-a', a.id, '146', T2)).toBe(false);
      expect(await storage().accounting.markFailed('tenant-a', a.id, 'late', T2)).toBe(false);
      expect(await storage().accounting.get('tenant-a', 'sale', 'A')).toMatchObject({
        state: 'pushed',
        documentId: '145',
        attempts: 2,
        lastError: null,
        pushedAt: T1,
        updatedAt: T1,
      });
      expect(await storage().accounting.markFailed('tenant-a', b.id, 'Duplicate Document Number Error', T2)).toBe(true);
      expect(await storage().accounting.get('tenant-a', 'sale', 'B')).toMatchObject({
        state: 'failed',
        attempts: 1,
        lastError: 'Duplicate Document Number Error',
      });
      expect(await storage().accounting.counts('tenant-a')).toEqual({
        pending: 0,
        pushed: 1,
        failed: 1,
        lastPushAt: T1,
      });
      expect(await storage().accounting.tenantsDue(T2, undefined, 10)).toEqual([]);
      expect(await storage().accounting.retryFailed('tenant-b', T2)).toBe(0);
      expect(await storage().accounting.retryFailed('tenant-a', T2)).toBe(1);
      expect(await storage().accounting.get('tenant-a', 'sale', 'B')).toMatchObject({
        state: 'pending',
        nextAttemptAt: T2,
        lastError: 'Duplicate Document Number Error',
      });
      expect(await storage().accounting.counts('tenant-b')).toEqual({
        pending: 0,
        pushed: 0,
        failed: 0,
        lastPushAt: null,
      });
    });

    it('postpones a tenant’s pending entries without counting attempts, leaving later ones and other tenants alone', async () => {
      const a = (await storage().accounting.insert(sale('tenant-a', 'A'), T0)).entry;
      await storage().accounting.insert(sale('tenant-a', 'B'), T0);
      await storage().accounting.insert(sale('tenant-b', 'C'), T0);
      await storage().accounting.markPushed('tenant-a', a.id, '1', T0);
      expect(await storage().accounting.postpone('tenant-a', T1, T0)).toBe(1);
      expect(await storage().accounting.postpone('tenant-a', T0, T0)).toBe(0);
      expect(await storage().accounting.get('tenant-a', 'sale', 'B')).toMatchObject({ nextAttemptAt: T1, attempts: 0 });
      expect(await storage().accounting.get('tenant-a', 'sale', 'A')).toMatchObject({
        state: 'pushed',
        nextAttemptAt: T0,
      });
      expect(await storage().accounting.tenantsDue(T0, undefined, 10)).toEqual(['tenant-b']);
    });

    it('rolls a queued entry back with the transaction that queued it', async () => {
      await expect(
        storage().transaction(async (tx) => {
          await tx.accounting.insert(sale('tenant-a', 'A'), T0);
          throw new Error('the payment write failed');
        }),
      ).rejects.toThrow('the payment write failed');
      expect(await storage().accounting.get('tenant-a', 'sale', 'A')).toBeUndefined();
    });
  });
}
