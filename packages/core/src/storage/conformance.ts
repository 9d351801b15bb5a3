/**
 * The conformance suite every storage adapter runs (`@pos/integrations-core/testing`):
 *
 * ```ts
 * import { describeStorageConformance } from '@pos/integrations-core/testing';
 * describeStorageConformance({ name: 'sqlite', create: () => createSqliteStorage({ filename: ':memory:' }) });
 * ```
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeAccountingConformance } from './conformance-accounting.js';
import { describeBatchConformance } from './conformance-batches.js';
import { describeEntitySinkKeysConformance } from './conformance-entity-sinks.js';
import { describeEventOutboxConformance } from './conformance-events.js';
import { describeRefreshLeaseConformance } from './conformance-leases.js';
import { describePaymentConformance } from './conformance-payments.js';
import { describeProviderAccountConformance } from './conformance-provider-accounts.js';
import { describeRefundConformance } from './conformance-refunds.js';
import { describeSyncConformance } from './conformance-sync.js';
import type { IntegrationStorage, LogRecord, OAuthStateRecord, StatusRecord } from './port.js';

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

    it('answers a readiness ping while open, and refuses it once closed', async () => {
      if (!storage.ping) return; // optional in the port; the Kysely adapters have it
      await expect(storage.ping()).resolves.toBeUndefined();
      const closed = await create();
      await closed.close();
      await expect(closed.ping?.()).rejects.toThrow();
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
    describeAccountingConformance(() => storage);
    describeRefundConformance(() => storage);
    describeEntitySinkKeysConformance(() => storage);
    describeEventOutboxConformance(() => storage);

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

    describeBatchConformance(() => storage);
  });
}
