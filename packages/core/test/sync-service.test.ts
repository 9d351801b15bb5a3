import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStorage, type SqliteStorage } from '@pos/storage-sqlite';
import { ManualClock, TEST_KEY_A } from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../src/connector.js';
import { createIntegrations, createKeyRing, IntegrationError, type Integrations } from '../src/index.js';
import { hub, MemoryTarget } from './memory-sync-target.js';

const product = (sku: string, extra: JsonObject = {}) => ({ sku, name: `Product ${sku}`, price: 100, ...extra });
const noWait = async () => {};

let dir: string;
let storage: SqliteStorage;
let target: MemoryTarget;
let clock: ManualClock;
let integrations: Integrations;

function create(shared = storage) {
  return createIntegrations({
    storage: shared,
    cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
    connectors: [hub(target)],
    clock,
    sync: { chunkSize: 500, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 10 }, wait: noWait },
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-sync-'));
  storage = await createSqliteStorage({ filename: join(dir, 'pos.db') });
  target = new MemoryTarget();
  clock = new ManualClock();
  integrations = create();
  await integrations.connect('tenant-a', 'hub', { url: 'https://hub.example' });
});
afterEach(async () => {
  await integrations.close();
  rmSync(dir, { recursive: true, force: true });
});

const events = async (tenantId = 'tenant-a') =>
  (await integrations.logs(tenantId, 'hub', { limit: 200 })).logs.map((log) => log.event).reverse();

describe('enqueueing', () => {
  it('queues only while the tenant has connected the sync target', async () => {
    expect(await integrations.sync.enqueue('tenant-b', 'products', 'upsert', product('A'))).toBe(false);
    expect(await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('A'))).toBe(true);
    expect(await integrations.sync.enqueueMany('tenant-a', 'products', 'delete', [{ sku: 'B' }, { sku: 'C' }])).toBe(2);
    expect(await integrations.sync.stats('tenant-a')).toEqual({
      last_sync_at: null,
      pending_queue_count: 3,
      failed_queue_count: 0,
    });
    expect((await integrations.sync.stats('tenant-b')).pending_queue_count).toBe(0);
  });

  it('takes records from an async iterable, in order, in slices', async () => {
    async function* rows() {
      for (let index = 0; index < 2_500; index += 1) yield product(`SKU-${index}`);
    }
    expect(await integrations.sync.enqueueMany('tenant-a', 'products', 'upsert', rows())).toBe(2_500);
    const queued = await storage.syncQueue.listPending('tenant-a', { afterId: 0, upToId: 1e9 }, 3_000);
    expect(queued.map((item) => item.recordKey)).toEqual(Array.from({ length: 2_500 }, (_, i) => `["SKU-${i}"]`));
  });

  it('refuses records it could never deliver, whether or not the tenant is connected', async () => {
    for (const tenant of ['tenant-a', 'tenant-b']) {
      await expect(integrations.sync.enqueue(tenant, 'invoices', 'upsert', { id: 1 })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
    await expect(integrations.sync.enqueue('tenant-a', 'products', 'upsert', { name: 'no sku' })).rejects.toThrow(
      /needs "sku"/,
    );
    await expect(
      integrations.sync.enqueue('tenant-a', 'products', 'upsert', { sku: 'A', 'name; drop table': 'x' }),
    ).rejects.toThrow(/not a column name/);
    await expect(
      integrations.sync.enqueue('tenant-a', 'products', 'merge' as 'upsert', product('A')),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    // All or nothing: a bad record late in a list queues none of the list.
    const rows = [...Array.from({ length: 1_500 }, (_, index) => product(`SKU-${index}`)), { name: 'no sku' }];
    await expect(integrations.sync.enqueueMany('tenant-a', 'products', 'upsert', rows)).rejects.toThrow(/needs "sku"/);
    expect((await integrations.sync.stats('tenant-a')).pending_queue_count).toBe(0);
  });

  it('commits with the caller’s transaction and rolls back with it', async () => {
    await expect(
      storage.transaction(async (tx) => {
        await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('A'), { storage: tx });
        throw new Error('the product update failed');
      }),
    ).rejects.toThrow('the product update failed');
    expect((await integrations.sync.stats('tenant-a')).pending_queue_count).toBe(0);
    await storage.transaction((tx) =>
      integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('A'), { storage: tx }),
    );
    expect((await integrations.sync.stats('tenant-a')).pending_queue_count).toBe(1);
  });
});

describe('flushing', () => {
  it('delivers the final state per record in order, stamps the tenant, and keeps the figures true', async () => {
    await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('A', { price: 100 }));
    await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('B'));
    await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('A', { price: 250 }));
    await integrations.sync.enqueue('tenant-a', 'products', 'delete', { sku: 'B' });
    await integrations.sync.enqueue('tenant-a', 'orders', 'upsert', { id: 7, total: 990, tenant_id: 'spoofed' });
    clock.advance(1_000);

    const report = await integrations.sync.flush('tenant-a');
    expect(report).toMatchObject({
      success: true,
      delivered: 5,
      rejected: 0,
      pending_queue_count: 0,
      failed_queue_count: 0,
      last_sync_at: clock.now().toISOString(),
    });
    expect(target.rows('pos_products')).toEqual([{ sku: 'A', name: 'Product A', price: 250, tenant_id: 'tenant-a' }]);
    expect(target.rows('pos_orders')).toEqual([{ id: 7, total: 990, tenant_id: 'tenant-a' }]);
    expect(await events()).toEqual(['connected', 'sync_started', 'sync_completed']);
    expect(await integrations.summary('tenant-a', 'hub')).toEqual({
      project_name: 'Hub',
      reachable: true,
      last_sync_at: clock.now().toISOString(),
      pending_queue_count: 0,
      failed_queue_count: 0,
    });

    // Nothing left: no request, no new log rows, last_sync_at unchanged.
    target.requests.length = 0;
    clock.advance(1_000);
    expect(await integrations.sync.flush('tenant-a')).toMatchObject({
      delivered: 0,
      last_sync_at: report.last_sync_at,
    });
    expect(target.requests).toEqual([]);
  });

  it('sends at most the chunk size per request, one set of columns per request', async () => {
    await integrations.sync.enqueueMany(
      'tenant-a',
      'products',
      'upsert',
      Array.from({ length: 1_203 }, (_, index) => product(`SKU-${index}`, index % 2 ? { stock: 3 } : {})),
    );
    await integrations.sync.flush('tenant-a');
    expect(target.rows('pos_products')).toHaveLength(1_203);
    expect(Math.max(...target.requests.map((request) => request.rows))).toBeLessThanOrEqual(500);
    expect(target.requests.reduce((sum, request) => sum + request.rows, 0)).toBe(1_203);
  });

  it('narrows a refused chunk down to the offending rows and delivers the rest', async () => {
    target.tables.set('pos_products', new Map([['["tenant-a","X"]', product('X', { barcode: '111' })]]));
    const rows = Array.from({ length: 40 }, (_, index) => product(`P${index}`, { barcode: `b${index}` }));
    rows[13] = product('P13', { barcode: '111' });
    rows[31] = product('P31', { barcode: '111' });
    await integrations.sync.enqueueMany('tenant-a', 'products', 'upsert', rows);

    const report = await integrations.sync.flush('tenant-a');
    expect(report).toMatchObject({ success: false, delivered: 38, rejected: 2, failed_queue_count: 2 });
    expect(target.rows('pos_products')).toHaveLength(39);
    const failure = (await integrations.logs('tenant-a', 'hub', { event: 'sync_failed' })).logs[0];
    expect(failure).toMatchObject({
      level: 'error',
      message: 'Hub refused 2 rows of products: duplicate barcode 111',
      details: { entity: 'products', table: 'pos_products', count: 2, record_keys: ['P13', 'P31'] },
    });

    // With X gone at the target, the refused rows go again on request: P13 now fits, P31 still
    // shares its barcode.
    target.tables.get('pos_products')?.delete('["tenant-a","X"]');
    expect(await integrations.sync.flush('tenant-a', { retryFailed: true })).toMatchObject({
      delivered: 1,
      rejected: 1,
      failed_queue_count: 1,
    });
  });

  it('retries outages, then keeps the changes pending and says why', async () => {
    await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('A'));
    target.failNext = [
      new IntegrationError('RATE_LIMITED', 'slow down', { retryAfter: 0 }),
      new IntegrationError('PROVIDER_UNAVAILABLE', 'HTTP 503'),
    ];
    expect(await integrations.sync.flush('tenant-a')).toMatchObject({ delivered: 1 });
    expect(target.requests).toHaveLength(3);

    await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('B'));
    target.failNext = Array.from({ length: 3 }, () => new IntegrationError('PROVIDER_UNAVAILABLE', 'HTTP 502.'));
    await expect(integrations.sync.flush('tenant-a')).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      status: 502,
      details: { pending_queue_count: 1, delivered: 0 },
    });
    const [pending] = await storage.syncQueue.listPending('tenant-a', { afterId: 0, upToId: 1e9 }, 10);
    expect(pending).toMatchObject({ attempts: 1, lastError: 'HTTP 502.' });
    expect((await events()).slice(-2)).toEqual(['sync_started', 'sync_failed']);
    expect(await integrations.sync.flush('tenant-a')).toMatchObject({ delivered: 1, pending_queue_count: 0 });
  });

  it('stops on refused credentials and marks the connection for reconnecting', async () => {
    await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('A'));
    target.failNext = [new IntegrationError('HUB_KEY_REJECTED', 'key revoked', { needsReconnect: true })];
    await expect(integrations.sync.flush('tenant-a')).rejects.toMatchObject({ code: 'HUB_KEY_REJECTED' });
    expect(await integrations.status('tenant-a', 'hub')).toMatchObject({
      status: 'error',
      needs_reconnect: true,
      last_error_code: 'HUB_KEY_REJECTED',
    });
    expect((await integrations.sync.stats('tenant-a')).pending_queue_count).toBe(1);
  });

  it('lets one flusher at a time push a tenant, across instances sharing the database', async () => {
    const other = create(await createSqliteStorage({ filename: join(dir, 'pos.db') }));
    try {
      await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('A'));
      let release = () => {};
      target.hold = new Promise((resolve) => {
        release = resolve;
      });
      const first = integrations.sync.flush('tenant-a');
      const joined = integrations.sync.flush('tenant-a');
      await new Promise((resolve) => setTimeout(resolve, 20));
      await expect(other.sync.flush('tenant-a')).rejects.toMatchObject({ code: 'SYNC_IN_PROGRESS', status: 409 });
      release();
      expect(await first).toBe(await joined);
      expect(target.requests).toHaveLength(1);
      expect(await other.sync.flush('tenant-a')).toMatchObject({ delivered: 0 });
    } finally {
      await other.close();
    }
  });

  it('takes over a claim its holder left to expire', async () => {
    await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('A'));
    expect(
      await storage.syncState.claim('tenant-a', 'hub', 'crashed', clock.now().toISOString(), clock.now().toISOString()),
    ).toBe(true);
    clock.advance(1);
    expect(await integrations.sync.flush('tenant-a')).toMatchObject({ delivered: 1 });
  });

  it('settles nothing once another flusher took its expired claim over', async () => {
    await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('A'));
    let release = () => {};
    target.hold = new Promise((resolve) => {
      release = resolve;
    });
    const slow = integrations.sync.flush('tenant-a');
    await new Promise((resolve) => setTimeout(resolve, 20));
    clock.advance(11 * 60_000); // past the claim's ten minutes
    const now = clock.now().toISOString();
    expect(await storage.syncState.claim('tenant-a', 'hub', 'newcomer', now, now)).toBe(true);
    release();
    await expect(slow).rejects.toMatchObject({ code: 'SYNC_IN_PROGRESS' });
    expect((await integrations.sync.stats('tenant-a')).pending_queue_count).toBe(1);
  });

  it('drops undelivered changes when the target is disconnected', async () => {
    await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('A'));
    await integrations.disconnect('tenant-a', 'hub');
    expect((await integrations.sync.stats('tenant-a')).pending_queue_count).toBe(0);
    await expect(integrations.sync.flush('tenant-a')).rejects.toMatchObject({ code: 'NOT_CONNECTED', status: 409 });
  });

  it('flushes periodically until closed', async () => {
    integrations.sync.start({ intervalMs: 10 });
    await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('A'));
    await expect.poll(() => target.rows('pos_products').length, { timeout: 2_000, interval: 10 }).toBe(1);
    await integrations.sync.stop();
    await integrations.sync.enqueue('tenant-a', 'products', 'upsert', product('B'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(target.rows('pos_products')).toHaveLength(1);
  });
});
