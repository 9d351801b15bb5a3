import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SyncItem } from '../src/storage.js';
import { chunkByColumns, planChanges } from '../src/sync/plan.js';

type Rows = Map<string, Record<string, unknown>>;

/** What the target does with one change: `merge-duplicates` updates only the columns sent. */
function apply(rows: Rows, key: string, op: 'upsert' | 'delete', payload: Record<string, unknown>) {
  if (op === 'delete') rows.delete(key);
  else rows.set(key, { ...rows.get(key), ...payload });
}

const change = fc.record({
  entity: fc.constantFrom('products', 'customers'),
  key: fc.constantFrom('A', 'B', 'C'),
  op: fc.constantFrom('upsert' as const, 'delete' as const),
  payload: fc.dictionary(
    fc.constantFrom('name', 'price', 'stock'),
    fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    {
      maxKeys: 3,
    },
  ),
});

function items(changes: Array<{ entity: string; key: string; op: 'upsert' | 'delete'; payload: object }>) {
  return changes.map(
    (c, index): SyncItem => ({
      id: index + 1,
      tenantId: 'tenant-a',
      entity: c.entity,
      op: c.op,
      recordKey: JSON.stringify([c.key]),
      payload: { ...c.payload, sku: c.key },
      status: 'pending',
      attempts: 0,
      lastError: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    }),
  );
}

describe('planning queued changes', () => {
  it('leaves the target as applying every change in order would', () => {
    const existing = fc.dictionary(
      fc.constantFrom('products\u0000["A"]', 'products\u0000["B"]', 'customers\u0000["C"]'),
      fc.record({ name: fc.string(), old: fc.boolean() }),
    );
    fc.assert(
      fc.property(existing, fc.array(change, { maxLength: 40 }), (initial, changes) => {
        const queued = items(changes);
        const sequential: Rows = new Map(Object.entries(initial));
        for (const item of queued) apply(sequential, `${item.entity}\u0000${item.recordKey}`, item.op, item.payload);

        const planned: Rows = new Map(Object.entries(initial));
        const plans = planChanges(queued);
        for (const plan of plans) {
          const key = `${plan.entity}\u0000${plan.recordKey}`;
          if (plan.delete) apply(planned, key, 'delete', plan.delete);
          if (plan.upsert) apply(planned, key, 'upsert', plan.upsert);
        }
        expect(planned).toEqual(sequential);
        // Every item is settled by exactly one plan, and no key is planned twice.
        expect(plans.flatMap((plan) => plan.itemIds).sort((a, b) => a - b)).toEqual(queued.map((item) => item.id));
        expect(new Set(plans.map((plan) => `${plan.entity}\u0000${plan.recordKey}`)).size).toBe(plans.length);
      }),
      { numRuns: 300 },
    );
  });

  it('chunks rows by their set of columns, at most `size` per chunk', () => {
    const rows = [
      { sku: 'a', name: 'A' },
      { name: 'B', sku: 'b' },
      { sku: 'c' },
      { sku: 'd', name: 'D' },
      { sku: 'e', name: 'E' },
    ];
    expect(chunkByColumns(rows, (row) => row, 2)).toEqual([[rows[0], rows[1]], [rows[3], rows[4]], [rows[2]]]);
  });
});
