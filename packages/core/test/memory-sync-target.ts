import { z } from 'zod';
import type { ApiKeyConnector, JsonObject, SyncTarget } from '../src/connector.js';
import { IntegrationError } from '../src/index.js';

/**
 * A sync target in memory that behaves like PostgREST with `merge-duplicates`: rows keyed by
 * the conflict columns, a unique `barcode`, and failures a test can switch on.
 */
export class MemoryTarget implements SyncTarget {
  readonly tables = new Map<string, Map<string, JsonObject>>();
  readonly requests: Array<{ op: string; table: string; rows: number }> = [];
  failNext: IntegrationError[] = [];
  hold: Promise<void> | undefined;

  rows(table: string): JsonObject[] {
    return [...(this.tables.get(table)?.values() ?? [])];
  }

  async upsert(table: string, conflict: readonly string[], rows: readonly JsonObject[]) {
    this.requests.push({ op: 'upsert', table, rows: rows.length });
    await this.hold;
    const failure = this.failNext.shift();
    if (failure) throw failure;
    const stored = this.tables.get(table) ?? new Map<string, JsonObject>();
    const next = new Map(stored);
    for (const row of rows) {
      const key = JSON.stringify(conflict.map((column) => row[column]));
      const merged = { ...next.get(key), ...row };
      const clash = [...next.entries()].find(
        ([k, other]) => k !== key && merged.barcode && other.barcode === merged.barcode,
      );
      if (clash) {
        throw new IntegrationError('SYNC_REJECTED', `duplicate barcode ${String(merged.barcode)}`, {
          status: 422,
          details: { scope: 'rows' },
        });
      }
      next.set(key, merged);
    }
    this.tables.set(table, next);
  }

  async delete(table: string, key: readonly string[], keys: readonly JsonObject[]) {
    this.requests.push({ op: 'delete', table, rows: keys.length });
    const failure = this.failNext.shift();
    if (failure) throw failure;
    for (const row of keys) this.tables.get(table)?.delete(JSON.stringify(key.map((column) => row[column])));
  }
}

export function hub(target: MemoryTarget): ApiKeyConnector<{ url: string }, { key: string }, { url: string }> {
  return {
    id: 'hub',
    displayName: 'Hub',
    kind: 'api_key',
    credentialsSchema: z.object({ url: z.string() }),
    credentialFields: [{ name: 'url', label: 'URL', secret: false, required: true }],
    async verify({ url }) {
      return { secret: { key: 'hub-secret-key-0123456789' }, publicData: { url } };
    },
    async summary() {
      return { project_name: 'Hub' };
    },
    async test() {
      return { message: 'ok' };
    },
    sync: {
      entities: {
        products: { table: 'pos_products', key: ['sku'] },
        customers: { table: 'pos_customers', key: ['id'] },
        orders: { table: 'pos_orders', key: ['id'] },
      },
      open: () => target,
    },
  };
}
