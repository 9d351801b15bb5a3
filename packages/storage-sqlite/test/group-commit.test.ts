import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntegrationStorage } from '@pos/integrations-core';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSqliteStorage, type SqliteStorage } from '../src/index.js';
import { webhookEvent as event } from './webhook-event.js';

let dir: string;
let storage: SqliteStorage;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-group-commit-'));
  storage = await createSqliteStorage({ filename: join(dir, 'pos.db') });
});
afterEach(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

it('runs work submitted in one turn in one transaction, one piece after the other', async () => {
  const seen: IntegrationStorage[] = [];
  const [first, second, third] = await Promise.all(
    ['evt_1', 'evt_2', 'evt_1'].map((id) =>
      storage.groupTransaction(async (tx) => {
        seen.push(tx);
        return tx.webhookEvents.record(event(id));
      }),
    ),
  );
  // One shared transaction; the third piece finds the id the first one wrote in it.
  expect(new Set(seen).size).toBe(1);
  expect([first, second, third]).toEqual([true, true, false]);
});

it('answers only once the shared transaction is committed, as another connection sees it', async () => {
  const other = new Database(join(dir, 'pos.db'), { readonly: true });
  try {
    const count = () => (other.prepare('select count(*) as n from webhook_events').get() as { n: number }).n;
    const pending = [storage.groupTransaction((tx) => tx.webhookEvents.record(event('evt_a')))];
    pending.push(storage.groupTransaction((tx) => tx.webhookEvents.record(event('evt_b'))));
    pending.push(
      storage.groupTransaction(async (tx) => {
        await tx.webhookEvents.record(event('evt_c'));
        // Written, but not committed yet: another connection cannot see the group so far.
        expect(count()).toBe(0);
        throw new Error('this one fails');
      }),
    );
    const settled = await Promise.allSettled(pending);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(count()).toBe(2);
    expect(await storage.webhookEvents.get('evt_c')).toBeUndefined();
  } finally {
    other.close();
  }
});

it('rolls the group back when a piece throws, rejects that piece and runs the others again', async () => {
  const runs = { before: 0, failing: 0, after: 0 };
  const settled = await Promise.allSettled([
    storage.groupTransaction(async (tx) => {
      runs.before += 1;
      return tx.webhookEvents.record(event('evt_before'));
    }),
    storage.groupTransaction(async (tx) => {
      runs.failing += 1;
      await tx.webhookEvents.record(event('evt_failing'));
      throw new Error('this one fails');
    }),
    storage.groupTransaction(async (tx) => {
      runs.after += 1;
      // Sees what the first piece wrote in this transaction, on either run.
      return (await tx.webhookEvents.get('evt_before')) !== undefined && tx.webhookEvents.record(event('evt_after'));
    }),
  ]);
  expect(settled.map((result) => (result.status === 'fulfilled' ? result.value : String(result.reason)))).toEqual([
    true,
    'Error: this one fails',
    true,
  ]);
  // The failing piece ran once; the one before it again, after the rollback; the one after it once.
  expect(runs).toEqual({ before: 2, failing: 1, after: 1 });
  expect(await storage.webhookEvents.get('evt_failing')).toBeUndefined();
  const rows = storage.database.prepare('select event_id from webhook_events order by event_id').all();
  expect(rows).toEqual([{ event_id: 'evt_after' }, { event_id: 'evt_before' }]);
});
