import { createSqliteStorage, type SqliteStorage } from '@pos/storage-sqlite';
import { ManualClock } from '@pos/test-support';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OAUTH_STATE_TTL_MS } from '../src/index.js';
import { OAuthStateService } from '../src/oauth/state.js';

describe('OAuth state service', () => {
  let storage: SqliteStorage;
  let clock: ManualClock;
  let states: OAuthStateService;
  beforeEach(async () => {
    storage = await createSqliteStorage({ filename: ':memory:' });
    clock = new ManualClock();
    states = new OAuthStateService(storage.oauthStates, clock);
  });
  afterEach(() => storage.close());

  it('issues 256-bit states, stored only as hashes', async () => {
    const state = await states.issue('tenant-a', 'stripe');
    expect(Buffer.from(state, 'base64url')).toHaveLength(32);
    const stored = storage.database.prepare('select * from oauth_states').all();
    expect(JSON.stringify(stored)).not.toContain(state);
  });

  it('accepts an issued state once, for its provider, within ten minutes', async () => {
    const state = await states.issue('tenant-a', 'stripe', { return_to: '/settings' });
    expect(await states.consume('stripe', state)).toEqual({ tenantId: 'tenant-a', data: { return_to: '/settings' } });
    expect(await states.consume('stripe', state)).toBeUndefined();

    const foreign = await states.issue('tenant-a', 'stripe');
    expect(await states.consume('clover', foreign)).toBeUndefined();
    expect(await states.consume('stripe', foreign)).toBeUndefined();

    const late = await states.issue('tenant-b', 'clover');
    clock.advance(OAUTH_STATE_TTL_MS);
    expect(await states.consume('clover', late)).toBeUndefined();

    const inTime = await states.issue('tenant-b', 'clover');
    clock.advance(OAUTH_STATE_TTL_MS - 1);
    expect(await states.consume('clover', inTime)).toEqual({ tenantId: 'tenant-b', data: null });
  });

  it('accepts a state only before its ten minutes are up, for its provider, and hands back its tenant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('tenant-a', 'tenant-b'),
        fc.constantFrom('stripe', 'clover'),
        fc.constantFrom('stripe', 'clover'),
        fc.oneof(
          fc.integer({ min: 0, max: 2 * OAUTH_STATE_TTL_MS }),
          fc.constantFrom(OAUTH_STATE_TTL_MS - 1, OAUTH_STATE_TTL_MS),
        ),
        async (tenantId, issuedFor, presentedTo, elapsed) => {
          const state = await states.issue(tenantId, issuedFor);
          clock.advance(elapsed);
          const accepted = issuedFor === presentedTo && elapsed < OAUTH_STATE_TTL_MS;
          expect(await states.consume(presentedTo, state)).toEqual(accepted ? { tenantId, data: null } : undefined);
          expect(await states.consume(issuedFor, state)).toBeUndefined();
        },
      ),
    );
  });

  it('rejects any value it did not issue', async () => {
    await states.issue('tenant-a', 'stripe');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.anything()),
        async (value) => {
          expect(await states.consume('stripe', value)).toBeUndefined();
        },
      ),
    );
  });
});

describe('open OAuth states per tenant', () => {
  it('lets exactly the cap through when a tenant asks many times at once, even with a slow store', async () => {
    const storage = await createSqliteStorage({ filename: ':memory:' });
    try {
      const store = storage.oauthStates;
      // A store that answers the count late, as a remote database would: without the per-tenant
      // queue every request would read the same count before any of them wrote.
      const slow = {
        insert: store.insert.bind(store),
        take: store.take.bind(store),
        deleteExpired: store.deleteExpired.bind(store),
        countOpen: async (tenantId: string, now: string) => {
          const counted = await store.countOpen(tenantId, now);
          await new Promise((resolve) => setTimeout(resolve, 10));
          return counted;
        },
      };
      const clock = new ManualClock();
      const states = new OAuthStateService(slow, clock, 3);
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => states.issue('tenant-a', 'stripe')));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
      for (const result of results.filter((result) => result.status === 'rejected')) {
        expect(result.reason).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfter: 600 });
      }
      expect(await states.issue('tenant-b', 'stripe')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      clock.advance(OAUTH_STATE_TTL_MS);
      expect(await states.issue('tenant-a', 'stripe')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      await storage.close();
    }
  });
});
