import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStorage, type SqliteStorage } from '@pos/storage-sqlite';
import {
  createQuickBooksBooksSimulator,
  ManualClock,
  mswHandlers,
  QUICKBOOKS_BOOKS_REALM_ID,
  QUICKBOOKS_BOOKS_TOKEN,
  type QuickBooksBooksSimulator,
  TEST_KEY_A,
  useProviderMock,
} from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { booksConnector } from '../../../test/fixtures/books-connector.js';
import { createIntegrations, createKeyRing, type Integrations } from '../src/index.js';

const BOOKS_API = 'https://books.quickbooks.test';
const mock = useProviderMock();
let dir: string;
let clock: ManualClock;
let books: QuickBooksBooksSimulator;
const open: Integrations[] = [];

async function start(options: { timeoutMs?: number } = {}) {
  const storage: SqliteStorage = await createSqliteStorage({ filename: join(dir, 'pos.db') });
  const integrations = createIntegrations({
    storage,
    cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
    connectors: [booksConnector({ apiBase: BOOKS_API, ...options })],
    clock,
    accounting: { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 10 }, wait: async () => {} },
  });
  open.push(integrations);
  return integrations;
}

function ledger(integrations: Integrations) {
  if (!integrations.accounting) throw new Error('no accounting ledger');
  return integrations.accounting;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-accounting-'));
  clock = new ManualClock();
  books = createQuickBooksBooksSimulator();
  mock.use(...mswHandlers(books, BOOKS_API));
  const first = await start();
  await first.connections.connect('tenant-a', 'books', {
    access_token: QUICKBOOKS_BOOKS_TOKEN,
    realm_id: QUICKBOOKS_BOOKS_REALM_ID,
  });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((integrations) => integrations.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('the accounting ledger', () => {
  it('keeps pending entries across a restart and records them after it, with the request id it made first', async () => {
    const [before] = open;
    if (!before) throw new Error('not started');
    await ledger(before).recordSale('tenant-a', { reference: 'cash-1', amount: 500, currency: 'usd' });
    await ledger(before).recordSale('tenant-a', { reference: 'cash-2', amount: 700, currency: 'usd' });
    const stored = await before.storage.accounting.get('tenant-a', 'sale', 'cash-1');
    await before.close();
    open.splice(0);

    const after = await start();
    expect(await ledger(after).stats('tenant-a')).toMatchObject({ pending: 2, receipts_pushed: 0 });
    expect(await ledger(after).flushDue()).toEqual({ flushed: ['tenant-a'], failed: [], skipped: [] });
    expect(books.receipts.map((receipt) => receipt.body.DocNumber)).toEqual(['cash-1', 'cash-2']);
    expect(books.receipts[0]?.requestId).toBe(stored?.requestId);
    expect(stored?.requestId.length).toBeLessThanOrEqual(36);
  });

  it('lets one server flush a tenant at a time: the other is told another is at it, and each sale is recorded once', async () => {
    const [first] = open;
    if (!first) throw new Error('not started');
    const second = await start();
    for (const reference of ['a-1', 'a-2', 'a-3']) {
      await ledger(first).recordSale('tenant-a', { reference, amount: 100, currency: 'usd' });
    }
    books.dropNextAnswer(200);
    const results = await Promise.allSettled([ledger(first).flush('tenant-a'), ledger(second).flush('tenant-a')]);
    const refused = results.filter((result) => result.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'ACCOUNTING_IN_PROGRESS', status: 409 });
    expect(books.receipts).toHaveLength(3);
    // Concurrent calls in one process share one flush.
    await ledger(first).recordSale('tenant-a', { reference: 'a-4', amount: 100, currency: 'usd' });
    const [one, two] = await Promise.all([ledger(first).flush('tenant-a'), ledger(first).flush('tenant-a')]);
    expect(one).toBe(two);
    expect(books.receipts).toHaveLength(4);
  });

  it('says what the accounting mode is per variant and configuration', async () => {
    const [full] = open;
    expect(full?.capabilities().accounting_mode).toBe('sync');
    expect(full?.capabilities().features).not.toHaveProperty('accounting');
    const storage = await createSqliteStorage({ filename: ':memory:' });
    const cipher = createKeyRing({ keys: [{ key: TEST_KEY_A }] });
    const modes = ['full', 'export', 'lite'].map((variant) => {
      const integrations = createIntegrations({ storage, cipher, variant: variant as 'full' });
      expect(integrations.accounting).toBeUndefined();
      return integrations.capabilities().accounting_mode;
    });
    expect(modes).toEqual(['export_only', 'export_only', 'disabled']);
    await storage.close();
  });
});
