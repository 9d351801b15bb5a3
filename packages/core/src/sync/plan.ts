import type { JsonObject } from '../storage/port.js';
import type { SyncItem } from '../storage/sync.js';

/** What one remote row needs so that it ends as the queued changes, applied in order, leave it. */
export interface RowPlan {
  entity: string;
  recordKey: string;
  /** Every queued item this plan settles. */
  itemIds: number[];
  /** Key columns of a row to delete first, if a delete was queued. */
  delete?: JsonObject;
  /** The row to upsert afterwards: the queued upserts since the last delete, merged in order. */
  upsert?: JsonObject;
}

/**
 * Reduces queued changes per record key to at most one delete followed by one upsert. Upserts
 * merge (`merge-duplicates` updates only the columns sent), so successive upserts fold into one
 * object; a delete drops what came before it. Applying the plans gives the same rows as applying
 * every item in order, and no request carries the same key twice.
 */
export function planChanges(items: readonly SyncItem[]): RowPlan[] {
  const plans = new Map<string, RowPlan>();
  for (const item of items) {
    const id = `${item.entity}\u0000${item.recordKey}`;
    let plan = plans.get(id);
    if (!plan) {
      plan = { entity: item.entity, recordKey: item.recordKey, itemIds: [] };
      plans.set(id, plan);
    }
    plan.itemIds.push(item.id);
    if (item.op === 'delete') {
      plan.delete = item.payload;
      delete plan.upsert;
    } else {
      plan.upsert = { ...plan.upsert, ...item.payload };
    }
  }
  return [...plans.values()];
}

/** Splits rows into requests of at most `size` rows, each with one set of columns. */
export function chunkByColumns<T>(entries: readonly T[], row: (entry: T) => JsonObject, size: number): T[][] {
  const groups = new Map<string, T[]>();
  for (const entry of entries) {
    const columns = Object.keys(row(entry)).sort().join(',');
    const group = groups.get(columns);
    if (group) group.push(entry);
    else groups.set(columns, [entry]);
  }
  const chunks: T[][] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.length; start += size) chunks.push(group.slice(start, start + size));
  }
  return chunks;
}
