/**
 * The conformance suite every storage adapter runs (`@pos/integrations-core/testing`):
 *
 * ```ts
 * import { describeStorageConformance } from '@pos/integrations-core/testing';
 * describeStorageConformance({ name: 'sqlite', create: () => createSqliteStorage({ filename: ':memory:' }) });
 * ```
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProductRow } from '../batches/products.js';
import type { BatchFailure, EntitySink, NewBatch } from './batches.js';
import { describeEntitySinkKeysConformance } from './conformance-entity-sinks.js';
import { describeRefreshLeaseConformance } from './conformance-leases.js';
import { describePaymentConformance } from './conformance-payments.js';
import { describeProviderAccountConformance } from './conformance-provider-accounts.js';
import type { IntegrationStorage, LogRecord, OAuthStateRecord, StatusRecord } from './port.js';
import { describeSyncConformance } from './sync.conformance.js';

export interface StorageConformanceOptions {
  name: string;
  /**
   * A fresh, migrated, empty storage for every test. The entity sink tests run when it offers a
   * `products` sink (SQLite: a file database, not `:memory:`).
   */
  create(): Promise<IntegrationStorage>;
}

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:05:00.000Z';
const T2 = '2026-01-01T00:10:00.000Z';

function credential(tenantId: string, provider: string, ciphertext = `pos1.k.${tenantId}-${provider}`) {
  return { tenantId, provider, ciphertext, publicData: { location_id: 'L1', nested: { list: [1, 'two', null] } } };
}

function status(tenantId: string, provider: string, overrides: Partial<StatusRecord> = {}): StatusRecord {
  return {
    tenantId,
    provider,
    status: 'connected',
    lastTestedAt: null,
    lastError: null,
    lastErrorCode: null,
    needsReconnect: false,
    updatedAt: T0,
    ...overrides,
  };
}

let logCounter = 0;
function log(tenantId: string, provider: string, overrides: Partial<LogRecord> = {}): LogRecord {
  logCounter += 1;
  return {
    id: `log-${logCounter}`,
    tenantId,
    provider,
    level: 'info',
    event: 'tested',
    message: `message ${logCounter}`,
    details: null,
    createdAt: T0,
    ...overrides,
  };
}

let batchCounter = 0;
function batch(tenantId: string, overrides: Partial<NewBatch> = {}): NewBatch {
  batchCounter += 1;
  return {
    id: `0190a000-0000-7000-8000-${String(batchCounter).padStart(12, '0')}`,
    tenantId,
    type: 'upload',
    entityType: 'products',
    status: 'processing',
    preset: null,
    totalBytes: 2048,
    targetBatchId: null,
    createdAt: T0,
    heartbeatAt: T0,
    ...overrides,
  };
}

const FAILURE: BatchFailure = {
  errorMessage: 'The file has 2 problems; nothing was imported.',
  errors: [
    { row: 3, column: 'price', message: 'must be an amount such as 12.50' },
    { row: 9, column: null, message: 'has 2 cells where the header has 8' },
  ],
  errorCount: 2,
  processedCount: 9,
  bytesRead: 2048,
  preset: 'pos',
  unknownColumns: ['Colour'],
  completedAt: T1,
};

function products(count: number, prefix = 'P'): ProductRow[] {
  return Array.from({ length: count }, (_, index) => ({
    sku: `${prefix}-${index}`,
    name: `Product ${index}, "quoted" 👕`,
    price: 100 + index,
    currency: 'USD',
    category: index % 2 ? 'Coffee' : null,
    stock: index % 3 ? index : null,
    barcode: null,
    description: index === 0 ? 'Line one\nLine two' : null,
  }));
}

async function readAll(sink: EntitySink<Record<string, unknown>>, tenantId: string) {
  const rows: Record<string, unknown>[] = [];
  for await (const page of sink.read(tenantId)) rows.push(...page);
  return rows;
}

function state(stateHash: string, overrides: Partial<OAuthStateRecord> = {}): OAuthStateRecord {
  return {
    stateHash,
    tenantId: 'tenant-a',
    provider: 'stripe',
    createdAt: T0,
    expiresAt: T2,
    data: null,
    ...overrides,
  };
}

export function describeStorageConformance({ name, create }: StorageConformanceOptions): void {
  describe(`storage conformance: ${name}`, () => {
    let storage: IntegrationStorage;
    beforeEach(async () => {
      storage = await create();
    });
    afterEach(async () => {
      await storage.close();
    });

    it('migrates again without harm', async () => {
      await storage.credentials.put(credential('tenant-a', 'square'), T0);
      await storage.migrate();
      expect(await storage.credentials.get('tenant-a', 'square')).toBeDefined();
    });

    describe('credentials', () => {
      it('stores and reads back a credential with version 1', async () => {
        const written = await storage.credentials.put(credential('tenant-a', 'square'), T0);
        expect(written).toMatchObject({ version: 1, createdAt: T0, updatedAt: T0 });
        expect(await storage.credentials.get('tenant-a', 'square')).toEqual({
          ...credential('tenant-a', 'square'),
          version: 1,
          createdAt: T0,
          updatedAt: T0,
          expiresAt: null,
          refreshLeaseUntil: null,
        });
      });

      it('overwrites on put, bumping the version and the connection time', async () => {
        await storage.credentials.put(credential('tenant-a', 'square'), T0);
        const second = await storage.credentials.put(credential('tenant-a', 'square', 'pos1.k.new'), T1);
        expect(second).toMatchObject({ version: 2, createdAt: T1, updatedAt: T1, ciphertext: 'pos1.k.new' });
      });

      it('replaces only at the expected version and keeps the connection time', async () => {
        await storage.credentials.put(credential('tenant-a', 'clover'), T0);
        const replaced = await storage.credentials.replace(credential('tenant-a', 'clover', 'pos1.k.v2'), 1, T1);
        expect(replaced).toMatchObject({ version: 2, createdAt: T0, updatedAt: T1, ciphertext: 'pos1.k.v2' });
        expect(
          await storage.credentials.replace(credential('tenant-a', 'clover', 'pos1.k.stale'), 1, T2),
        ).toBeUndefined();
        expect((await storage.credentials.get('tenant-a', 'clover'))?.ciphertext).toBe('pos1.k.v2');
        expect(await storage.credentials.replace(credential('tenant-b', 'clover'), 1, T2)).toBeUndefined();
      });

      it('lets exactly one of several concurrent replaces at one version win', async () => {
        await storage.credentials.put(credential('tenant-a', 'clover'), T0);
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            storage.credentials.replace(credential('tenant-a', 'clover', `pos1.k.r${index}`), 1, T1),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await storage.credentials.get('tenant-a', 'clover'))?.version).toBe(2);
      });

      it('keeps tenants and providers apart', async () => {
        await storage.credentials.put(credential('tenant-a', 'square'), T0);
        expect(await storage.credentials.get('tenant-b', 'square')).toBeUndefined();
        expect(await storage.credentials.get('tenant-a', 'clover')).toBeUndefined();
        expect(await storage.credentials.delete('tenant-b', 'square')).toBe(false);
        expect(await storage.credentials.get('tenant-a', 'square')).toBeDefined();
        expect(await storage.credentials.delete('tenant-a', 'square')).toBe(true);
        expect(await storage.credentials.get('tenant-a', 'square')).toBeUndefined();
      });

      it('lists every credential in pages ordered by tenant and provider', async () => {
        const keys = [
          ['tenant-b', 'square'],
          ['tenant-a', 'stripe'],
          ['tenant-a', 'clover'],
          ['tenant-c', 'square'],
          ['tenant-b', 'clover'],
        ] as const;
        for (const [tenantId, provider] of keys) await storage.credentials.put(credential(tenantId, provider), T0);
        const seen: string[] = [];
        let after: { tenantId: string; provider: string } | undefined;
        for (;;) {
          const page = await storage.credentials.listPage(after, 2);
          seen.push(...page.map((row) => `${row.tenantId}/${row.provider}`));
          const last = page.at(-1);
          if (page.length < 2 || !last) break;
          after = { tenantId: last.tenantId, provider: last.provider };
        }
        expect(seen).toEqual([
          'tenant-a/clover',
          'tenant-a/stripe',
          'tenant-b/clover',
          'tenant-b/square',
          'tenant-c/square',
        ]);
      });
    });

    describeRefreshLeaseConformance(() => storage);
    describeProviderAccountConformance(() => storage);

    describe('statuses', () => {
      it('stores, overwrites and deletes a status per tenant and provider', async () => {
        await storage.statuses.put(status('tenant-a', 'square'));
        await storage.statuses.put(
          status('tenant-a', 'square', {
            status: 'error',
            lastError: 'Token revoked',
            lastErrorCode: 'SQUARE_INVALID_TOKEN',
            needsReconnect: true,
            lastTestedAt: T1,
            updatedAt: T1,
          }),
        );
        expect(await storage.statuses.get('tenant-a', 'square')).toEqual(
          status('tenant-a', 'square', {
            status: 'error',
            lastError: 'Token revoked',
            lastErrorCode: 'SQUARE_INVALID_TOKEN',
            needsReconnect: true,
            lastTestedAt: T1,
            updatedAt: T1,
          }),
        );
        expect(await storage.statuses.get('tenant-b', 'square')).toBeUndefined();
        await storage.statuses.delete('tenant-b', 'square');
        expect(await storage.statuses.get('tenant-a', 'square')).toBeDefined();
        await storage.statuses.delete('tenant-a', 'square');
        expect(await storage.statuses.get('tenant-a', 'square')).toBeUndefined();
      });
    });

    describe('logs', () => {
      it('lists newest first with filters and sequence cursors, per tenant and provider', async () => {
        await storage.logs.append(log('tenant-a', 'square', { event: 'connected', details: { location_id: 'L1' } }));
        await storage.logs.append(log('tenant-a', 'square', { event: 'tested' }));
        await storage.logs.append(log('tenant-a', 'square', { event: 'test_failed', level: 'error' }));
        await storage.logs.append(log('tenant-b', 'square', { event: 'tested' }));
        await storage.logs.append(log('tenant-a', 'clover', { event: 'tested' }));

        const all = await storage.logs.list({ tenantId: 'tenant-a', provider: 'square', limit: 10 });
        expect(all.map((row) => row.event)).toEqual(['test_failed', 'tested', 'connected']);
        expect(all[2]?.details).toEqual({ location_id: 'L1' });
        expect(all[0]?.details).toBeNull();
        expect(all[0]?.tenantId).toBe('tenant-a');

        const firstPage = await storage.logs.list({ tenantId: 'tenant-a', provider: 'square', limit: 2 });
        const secondPage = await storage.logs.list({
          tenantId: 'tenant-a',
          provider: 'square',
          limit: 2,
          beforeSeq: firstPage[1]?.seq as number,
        });
        expect(secondPage.map((row) => row.event)).toEqual(['connected']);

        const errors = await storage.logs.list({ tenantId: 'tenant-a', provider: 'square', limit: 10, level: 'error' });
        expect(errors.map((row) => row.event)).toEqual(['test_failed']);
        const tested = await storage.logs.list({
          tenantId: 'tenant-a',
          provider: 'square',
          limit: 10,
          event: 'tested',
        });
        expect(tested).toHaveLength(1);
        expect(await storage.logs.list({ tenantId: 'tenant-c', provider: 'square', limit: 10 })).toEqual([]);
      });
    });

    describe('oauth states', () => {
      it('hands a state out once', async () => {
        await storage.oauthStates.insert(state('hash-1', { data: { verifier: 'sealed' } }));
        expect(await storage.oauthStates.take('hash-1')).toEqual(state('hash-1', { data: { verifier: 'sealed' } }));
        expect(await storage.oauthStates.take('hash-1')).toBeUndefined();
        expect(await storage.oauthStates.take('hash-unknown')).toBeUndefined();
      });

      it('hands a state to exactly one of several concurrent takers', async () => {
        await storage.oauthStates.insert(state('hash-2'));
        const taken = await Promise.all(Array.from({ length: 8 }, () => storage.oauthStates.take('hash-2')));
        expect(taken.filter(Boolean)).toHaveLength(1);
      });

      it('deletes expired states only', async () => {
        await storage.oauthStates.insert(state('old', { expiresAt: T1 }));
        await storage.oauthStates.insert(state('fresh', { expiresAt: T2 }));
        expect(await storage.oauthStates.deleteExpired(T1)).toBe(1);
        expect(await storage.oauthStates.take('old')).toBeUndefined();
        expect(await storage.oauthStates.take('fresh')).toBeDefined();
      });

      it('counts a tenant’s open states across providers, with the soonest expiry', async () => {
        expect(await storage.oauthStates.countOpen('tenant-a', T0)).toEqual({ count: 0, firstExpiresAt: null });
        await storage.oauthStates.insert(state('a-late', { expiresAt: T2 }));
        await storage.oauthStates.insert(state('a-soon', { provider: 'clover', expiresAt: T1 }));
        await storage.oauthStates.insert(state('a-expired', { expiresAt: T0 }));
        await storage.oauthStates.insert(state('b', { tenantId: 'tenant-b', expiresAt: T2 }));
        expect(await storage.oauthStates.countOpen('tenant-a', T0)).toEqual({ count: 2, firstExpiresAt: T1 });
        expect(await storage.oauthStates.countOpen('tenant-a', T1)).toEqual({ count: 1, firstExpiresAt: T2 });
        await storage.oauthStates.take('a-late');
        expect(await storage.oauthStates.countOpen('tenant-a', T1)).toEqual({ count: 0, firstExpiresAt: null });
        expect(await storage.oauthStates.countOpen('tenant-b', T0)).toEqual({ count: 1, firstExpiresAt: T2 });
      });
    });

    describeSyncConformance(() => storage);
    describePaymentConformance(() => storage);
    describeEntitySinkKeysConformance(() => storage);

    describe('transactions', () => {
      it('commits every write of a successful transaction', async () => {
        await storage.transaction(async (tx) => {
          await tx.credentials.put(credential('tenant-a', 'square'), T0);
          await tx.statuses.put(status('tenant-a', 'square'));
          expect(await tx.credentials.get('tenant-a', 'square')).toBeDefined();
        });
        expect(await storage.credentials.get('tenant-a', 'square')).toBeDefined();
        expect(await storage.statuses.get('tenant-a', 'square')).toBeDefined();
      });

      it('rolls every write back when the work throws', async () => {
        await expect(
          storage.transaction(async (tx) => {
            await tx.credentials.put(credential('tenant-a', 'square'), T0);
            await tx.logs.append(log('tenant-a', 'square'));
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await storage.credentials.get('tenant-a', 'square')).toBeUndefined();
        expect(await storage.logs.list({ tenantId: 'tenant-a', provider: 'square', limit: 10 })).toEqual([]);
      });

      // `groupTransaction` is optional; without it callers use `transaction`, which must keep the same promises.
      const grouped = <T>(on: IntegrationStorage, work: (tx: IntegrationStorage) => Promise<T>) =>
        on.groupTransaction ? on.groupTransaction(work) : on.transaction(work);

      it('commits work submitted together, undoing only the work that throws', async () => {
        const results = await Promise.allSettled([
          grouped(storage, async (tx) => {
            await tx.credentials.put(credential('tenant-a', 'square'), T0);
            return 'a';
          }),
          grouped(storage, async (tx) => {
            await tx.credentials.put(credential('tenant-b', 'square'), T0);
            await tx.logs.append(log('tenant-b', 'square'));
            throw new Error('boom');
          }),
          grouped(storage, async (tx) => {
            await tx.logs.append(log('tenant-c', 'square'));
            return 'c';
          }),
        ]);
        expect(results.map((result) => (result.status === 'fulfilled' ? result.value : String(result.reason)))).toEqual(
          ['a', 'Error: boom', 'c'],
        );
        expect(await storage.credentials.get('tenant-a', 'square')).toBeDefined();
        expect(await storage.credentials.get('tenant-b', 'square')).toBeUndefined();
        expect(await storage.logs.list({ tenantId: 'tenant-b', provider: 'square', limit: 10 })).toEqual([]);
        expect(await storage.logs.list({ tenantId: 'tenant-c', provider: 'square', limit: 10 })).toHaveLength(1);
      });

      it('runs grouped work inside an open transaction as part of it', async () => {
        await expect(
          storage.transaction(async (tx) => {
            await grouped(tx, (inner) => inner.credentials.put(credential('tenant-a', 'square'), T0));
            expect(await tx.credentials.get('tenant-a', 'square')).toBeDefined();
            throw new Error('outer failed');
          }),
        ).rejects.toThrow('outer failed');
        expect(await storage.credentials.get('tenant-a', 'square')).toBeUndefined();
      });
    });

    describe('batches', () => {
      it("stores a batch and lists a tenant's batches newest first", async () => {
        const first = await storage.batches.insert(batch('tenant-a'));
        expect(first).toMatchObject({
          tenantId: 'tenant-a',
          status: 'processing',
          recordCount: 0,
          processedCount: 0,
          errors: [],
          errorCount: 0,
          unknownColumns: [],
          totalBytes: 2048,
          bytesRead: null,
          purgedBy: null,
          completedAt: null,
        });
        const second = await storage.batches.insert(batch('tenant-a', { type: 'seed', entityType: 'customers' }));
        const third = await storage.batches.insert(batch('tenant-a', { createdAt: T1 }));
        await storage.batches.insert(batch('tenant-b'));
        expect((await storage.batches.list({ tenantId: 'tenant-a', limit: 10 })).map((row) => row.id)).toEqual([
          third.id,
          second.id,
          first.id,
        ]);
        expect(await storage.batches.list({ tenantId: 'tenant-a', limit: 1 })).toHaveLength(1);
        expect(
          (await storage.batches.list({ tenantId: 'tenant-a', limit: 10, entityType: 'customers' })).map(
            (row) => row.id,
          ),
        ).toEqual([second.id]);
        expect(await storage.batches.get('tenant-b', first.id)).toBeUndefined();
        expect(await storage.batches.get('tenant-a', first.id)).toEqual(first);
      });

      it('moves a batch from processing to completed or failed once, never back', async () => {
        const done = await storage.batches.insert(batch('tenant-a'));
        expect(
          await storage.batches.progress('tenant-a', done.id, { processedCount: 5, bytesRead: 1024, heartbeatAt: T1 }),
        ).toBe(true);
        expect(await storage.batches.get('tenant-a', done.id)).toMatchObject({
          processedCount: 5,
          bytesRead: 1024,
          heartbeatAt: T1,
        });
        const completion = {
          recordCount: 7,
          processedCount: 8,
          bytesRead: 2048,
          preset: 'shopify',
          unknownColumns: ['Color (product.metafields.shopify.color-pattern)'],
          completedAt: T2,
        };
        expect(await storage.batches.complete('tenant-b', done.id, completion)).toBe(false);
        expect(await storage.batches.complete('tenant-a', done.id, completion)).toBe(true);
        expect(await storage.batches.complete('tenant-a', done.id, completion)).toBe(false);
        expect(await storage.batches.fail('tenant-a', done.id, FAILURE)).toBe(false);
        expect(
          await storage.batches.progress('tenant-a', done.id, { processedCount: 1, bytesRead: 1, heartbeatAt: T2 }),
        ).toBe(false);
        expect(await storage.batches.get('tenant-a', done.id)).toMatchObject({
          status: 'completed',
          recordCount: 7,
          processedCount: 8,
          preset: 'shopify',
          unknownColumns: ['Color (product.metafields.shopify.color-pattern)'],
          completedAt: T2,
        });

        const failed = await storage.batches.insert(batch('tenant-a'));
        expect(await storage.batches.fail('tenant-a', failed.id, FAILURE)).toBe(true);
        expect(await storage.batches.complete('tenant-a', failed.id, completion)).toBe(false);
        expect(await storage.batches.get('tenant-a', failed.id)).toMatchObject({
          status: 'failed',
          recordCount: 0,
          errorMessage: FAILURE.errorMessage,
          errors: FAILURE.errors,
          errorCount: 2,
          unknownColumns: ['Colour'],
          completedAt: T1,
        });
      });

      it('keeps one batch per tenant and idempotency key, also when inserts race', async () => {
        const [first, second] = await Promise.all([
          storage.batches.insert(batch('tenant-a', { idempotencyKey: 'retry-1' })),
          storage.batches.insert(batch('tenant-a', { idempotencyKey: 'retry-1' })),
        ]);
        expect(second?.id).toBe(first?.id);
        expect(first?.idempotencyKey).toBe('retry-1');
        const other = await storage.batches.insert(batch('tenant-b', { idempotencyKey: 'retry-1' }));
        expect(other.id).not.toBe(first?.id);
        await storage.batches.insert(batch('tenant-a'));
        await storage.batches.insert(batch('tenant-a'));
        expect(await storage.batches.list({ tenantId: 'tenant-a', limit: 10 })).toHaveLength(3);
      });

      it('marks a batch purged once', async () => {
        const target = await storage.batches.insert(batch('tenant-a', { status: 'completed' }));
        expect(await storage.batches.markPurged('tenant-b', target.id, 'purge-1')).toBe(false);
        expect(await storage.batches.markPurged('tenant-a', target.id, 'purge-1')).toBe(true);
        expect(await storage.batches.markPurged('tenant-a', target.id, 'purge-2')).toBe(false);
        expect((await storage.batches.get('tenant-a', target.id))?.purgedBy).toBe('purge-1');
      });

      it('fails stale active batches of every tenant, each exactly once, and leaves fresh ones', async () => {
        const stale = await storage.batches.insert(batch('tenant-a', { heartbeatAt: T0 }));
        const staleOther = await storage.batches.insert(batch('tenant-b', { heartbeatAt: T0 }));
        const fresh = await storage.batches.insert(batch('tenant-a', { heartbeatAt: T2 }));
        const finished = await storage.batches.insert(batch('tenant-a', { status: 'completed', heartbeatAt: T0 }));
        const failure = { errorMessage: 'The server stopped.', completedAt: T2 };
        const [one, two] = await Promise.all([
          storage.batches.failStale(T1, failure),
          storage.batches.failStale(T1, failure),
        ]);
        expect([...(one ?? []), ...(two ?? [])].map((row) => row.id).sort()).toEqual([stale.id, staleOther.id].sort());
        expect(await storage.batches.get('tenant-a', stale.id)).toMatchObject({
          status: 'failed',
          errorMessage: 'The server stopped.',
          completedAt: T2,
        });
        expect((await storage.batches.get('tenant-a', fresh.id))?.status).toBe('processing');
        expect((await storage.batches.get('tenant-a', finished.id))?.status).toBe('completed');
        expect(await storage.batches.failStale(T1, failure)).toEqual([]);
      });
    });

    describe('entity sinks', () => {
      const target = { tenantId: 'tenant-a', batchId: 'batch-1', createdAt: T0 };

      it('publishes an import only at commit, together with the work done in its transaction', async (context) => {
        const sink = storage.entitySink('products');
        if (!sink) return context.skip();
        await storage.batches.insert(batch('tenant-a', { id: '0190a000-0000-7000-8000-0000000000aa' }));
        const rows = products(2500);
        const open = await sink.open(target);
        for (let index = 0; index < rows.length; index += 300) await open.write(rows.slice(index, index + 300));
        // The storage keeps answering (and writing) while an import is open.
        expect(await readAll(sink, 'tenant-a')).toEqual([]);
        expect(
          await storage.batches.progress('tenant-a', '0190a000-0000-7000-8000-0000000000aa', {
            processedCount: 2500,
            bytesRead: null,
            heartbeatAt: T1,
          }),
        ).toBe(true);
        await open.commit(async (tx) => {
          expect(
            await tx.batches.complete('tenant-a', '0190a000-0000-7000-8000-0000000000aa', {
              recordCount: 2500,
              processedCount: 2500,
              bytesRead: null,
              preset: 'pos',
              unknownColumns: [],
              completedAt: T1,
            }),
          ).toBe(true);
        });
        expect(await readAll(sink, 'tenant-a')).toEqual(rows);
        expect(await readAll(sink, 'tenant-b')).toEqual([]);
        expect((await storage.batches.get('tenant-a', '0190a000-0000-7000-8000-0000000000aa'))?.status).toBe(
          'completed',
        );
      });

      it('leaves nothing when the import is aborted or its transaction work throws', async (context) => {
        const sink = storage.entitySink('products');
        if (!sink) return context.skip();
        const aborted = await sink.open(target);
        await aborted.write(products(10));
        await aborted.abort();
        const refused = await sink.open({ ...target, batchId: 'batch-2' });
        await refused.write(products(10));
        await expect(
          refused.commit(async (tx) => {
            await tx.batches.insert(batch('tenant-a'));
            throw new Error('the batch was failed meanwhile');
          }),
        ).rejects.toThrow('failed meanwhile');
        await refused.abort();
        expect(await readAll(sink, 'tenant-a')).toEqual([]);
        expect(await storage.batches.list({ tenantId: 'tenant-a', limit: 10 })).toEqual([]);
      });

      it('deletes exactly one batch of one tenant, in one transaction with the purge record', async (context) => {
        const sink = storage.entitySink('products');
        if (!sink) return context.skip();
        const write = async (tenantId: string, batchId: string, rows: ProductRow[]) => {
          const open = await sink.open({ tenantId, batchId, createdAt: T0 });
          await open.write(rows);
          await open.commit(async () => {});
        };
        await write('tenant-a', 'batch-1', products(3, 'A1'));
        await write('tenant-a', 'batch-2', products(2, 'A2'));
        await write('tenant-b', 'batch-1', products(4, 'B1'));

        await expect(
          sink.deleteBatch(
            { tenantId: 'tenant-a', batchId: 'batch-1' },
            {
              after: async () => {
                throw new Error('purged meanwhile');
              },
            },
          ),
        ).rejects.toThrow('purged meanwhile');
        expect(await readAll(sink, 'tenant-a')).toHaveLength(5);

        let counted = -1;
        const seenBefore: Record<string, unknown>[] = [];
        const deleted = await sink.deleteBatch(
          { tenantId: 'tenant-a', batchId: 'batch-1' },
          {
            // Runs first, in the same transaction: the rows are still there to read.
            before: async (tx) => {
              if (!sink.readBatch) return;
              for await (const page of sink.readBatch(tx, { tenantId: 'tenant-a', batchId: 'batch-1' }, 'purged')) {
                seenBefore.push(...page);
              }
            },
            after: async (tx, count) => {
              counted = count;
              await tx.batches.insert(batch('tenant-a', { type: 'purge', status: 'completed', recordCount: count }));
            },
          },
        );
        if (sink.readBatch) {
          expect(seenBefore.map(({ id: _id, ...row }) => row)).toEqual(
            products(3, 'A1').map((row) => ({ ...row, batch_id: 'batch-1', created_at: T0 })),
          );
        }
        expect([deleted, counted]).toEqual([3, 3]);
        expect(await readAll(sink, 'tenant-a')).toEqual(products(2, 'A2'));
        expect(await readAll(sink, 'tenant-b')).toEqual(products(4, 'B1'));
        if (sink.count) {
          expect([await sink.count('tenant-a'), await sink.count('tenant-b'), await sink.count('tenant-c')]).toEqual([
            2, 4, 0,
          ]);
        }
        if (sink.readAll) {
          // A full resync reads what is left, with the bookkeeping columns, one tenant only.
          const everything: Record<string, unknown>[] = [];
          for await (const page of sink.readAll('tenant-a')) everything.push(...page);
          expect(everything.every((row) => typeof row.id === 'number')).toBe(true);
          expect(everything.map(({ id: _id, ...row }) => row)).toEqual(
            products(2, 'A2').map((row) => ({ ...row, batch_id: 'batch-2', created_at: T0 })),
          );
        }
        expect((await storage.batches.list({ tenantId: 'tenant-a', limit: 5 }))[0]).toMatchObject({
          type: 'purge',
          recordCount: 3,
        });
      });
    });
  });
}
