import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStorage, type SqliteStorage } from '@pos/storage-sqlite';
import { ManualClock, TEST_KEY_A } from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../src/connector.js';
import { createIntegrations, createKeyRing, type Integrations, type SyncOptions } from '../src/index.js';
import { hub, MemoryTarget } from './memory-sync-target.js';

/** A target that takes `delayMs` per request, like a slow but working endpoint. */
class SlowTarget extends MemoryTarget {
  readonly #delayMs: number;

  constructor(delayMs: number) {
    super();
    this.#delayMs = delayMs;
  }

  override async upsert(table: string, conflict: readonly string[], rows: readonly JsonObject[]) {
    await new Promise((resolve) => setTimeout(resolve, this.#delayMs));
    return super.upsert(table, conflict, rows);
  }
}

let dir: string;
let storage: SqliteStorage;
let integrations: Integrations;
const clock = new ManualClock();

async function start(target: MemoryTarget, sync: SyncOptions) {
  storage = await createSqliteStorage({ filename: join(dir, 'pos.db') });
  integrations = createIntegrations({
    storage,
    cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
    connectors: [hub(target)],
    clock,
    sync: { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, ...sync },
  });
  await integrations.connect('tenant-a', 'hub', { url: 'https://hub.example' });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-sync-scheduler-'));
});
afterEach(async () => {
  await integrations?.close();
  rmSync(dir, { recursive: true, force: true });
});

const products = (count: number) => Array.from({ length: count }, (_, i) => ({ sku: `SKU-${i}`, name: 'x', price: 1 }));

describe('the sync scheduler', () => {
  it('lets a tenant that delivers within its budget continue at the next pass, without backing off', async () => {
    const target = new SlowTarget(40);
    await start(target, { chunkSize: 1, tenantBudgetMs: 400 });
    await integrations.sync.enqueueMany('tenant-a', 'products', 'upsert', products(30));

    const first = await integrations.sync.flushPending();
    expect(first).toMatchObject({ continued: ['tenant-a'], failed: [] });
    // The flush stops before its next request; wait for the one it had started.
    await integrations.sync.flush('tenant-a').catch(() => undefined);
    const afterFirst = target.rows('pos_products').length;
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThan(30);
    const logs = (await integrations.logs('tenant-a', 'hub')).logs;
    expect(logs[0]).toMatchObject({ event: 'sync_failed', message: expect.stringContaining('share of the sync pass') });

    // No backoff: the clock never moves, and each pass goes on until everything is delivered.
    for (let pass = 0; pass < 20 && (await integrations.sync.stats('tenant-a')).pending_queue_count > 0; pass++) {
      const report = await integrations.sync.flushPending();
      expect(report.skipped).toEqual([]);
      expect(report.failed).toEqual([]);
      await integrations.sync.flush('tenant-a').catch(() => undefined);
    }
    expect(target.rows('pos_products')).toHaveLength(30);
    expect((await integrations.sync.stats('tenant-a')).pending_queue_count).toBe(0);
  });

  it('refuses settings that would stop the periodic push', async () => {
    for (const sync of [{ concurrency: 0 }, { tenantBudgetMs: -1 }, { concurrency: 1.5 }]) {
      expect(() =>
        createIntegrations({
          storage: {} as SqliteStorage,
          cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
          sync,
        }),
      ).toThrow(/sync\.(concurrency|tenantBudgetMs) must be a whole number of at least 1/);
    }
  });
});

describe('limit options', () => {
  it('takes the documented defaults and refuses limits that are not whole numbers of at least 1', async () => {
    await start(new MemoryTarget(), {});
    expect(integrations.limits).toEqual({
      batchesPerTenant: 2,
      batchesTotal: 8,
      uploadBytesPerTenant: 512 * 1024 * 1024,
      oauthStatesPerTenant: 20,
      checkoutsPerMinute: 60,
    });
    const create = (limits: object) => () =>
      createIntegrations({ storage, cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }), limits });
    expect(create({ checkoutsPerMinute: 0 })).toThrow(/limits\.checkoutsPerMinute must be a whole number/);
    expect(create({ batchesTotal: 2.5 })).toThrow(/limits\.batchesTotal/);
    expect(create({ batchesPerTenant: 9 })).toThrow(/cannot be more than limits\.batchesTotal/);
  });
});
