import {
  createQuickBooksBooksSimulator,
  ManualClock,
  mswHandlers,
  QUICKBOOKS_BOOKS_REALM_ID,
  QUICKBOOKS_BOOKS_TOKEN,
  type QuickBooksBooksSimulator,
  useProviderMock,
} from '@pos/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { booksConnector } from '../../../test/fixtures/books-connector.js';
import { type PaymentsServer, sessionEvent, startPaymentsServer } from './payments-harness.js';

const BOOKS_API = 'https://books.quickbooks.test';
const mock = useProviderMock();
let server: PaymentsServer;
let books: QuickBooksBooksSimulator;
let clock: ManualClock;
let tokenRevoked = false;
const waits: number[] = [];

beforeEach(async () => {
  clock = new ManualClock();
  tokenRevoked = false;
  books = createQuickBooksBooksSimulator({
    accepts: (token) => !tokenRevoked && token === QUICKBOOKS_BOOKS_TOKEN,
    // The company has its "POS Sales" item already, so every create below is a receipt.
    items: [{ Id: '7', Name: 'POS Sales', Type: 'Service', Active: true, IncomeAccountRef: { value: '79' } }],
  });
  waits.length = 0;
  server = await startPaymentsServer(mock, {
    clock,
    connectors: [booksConnector({ apiBase: BOOKS_API, timeoutMs: 300 })],
    accounting: {
      retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 60_000 },
      wait: async (ms) => {
        waits.push(ms);
      },
    },
  });
  mock.use(...mswHandlers(books, BOOKS_API));
  await server.connect();
  const connected = await server.as('tenant-a')('POST', '/api/integrations/books/credentials', {
    body: { access_token: QUICKBOOKS_BOOKS_TOKEN, realm_id: QUICKBOOKS_BOOKS_REALM_ID },
  });
  expect(connected.status).toBe(200);
});
afterEach(() => server.close());

function ledger() {
  const accounting = server.integrations.accounting;
  if (!accounting) throw new Error('The accounting ledger is not configured.');
  return accounting;
}

/** A checkout for the order, paid by the customer, its webhook delivered. */
async function paidCheckout(orderId: string, amount = 4250) {
  const created = await server.as('tenant-a')('POST', '/api/payments/checkout-session', {
    body: { order_id: orderId, amount, currency: 'usd' },
  });
  expect(created.status).toBe(200);
  const sessionId = created.body.session_id as string;
  server.sim.complete(sessionId);
  const event = sessionEvent(server.sim, 'checkout.session.completed', sessionId);
  expect((await server.deliver(event)).status).toBe(200);
  return { sessionId, event };
}

const salesReceipts = () => books.receipts.filter((receipt) => receipt.entity === 'SalesReceipt');

describe('accounting sync of paid sales', () => {
  it('records a paid Stripe checkout as exactly one SalesReceipt, even when the first create times out after QuickBooks stored it', async () => {
    const { sessionId, event } = await paidCheckout('order-1001');
    // A repeated webhook queues nothing more.
    expect((await server.deliver(event)).body).toMatchObject({ duplicate: true });
    const queued = await ledger().entry('tenant-a', 'sale', 'order-1001');
    expect(queued).toMatchObject({
      state: 'pending',
      amount: 4250,
      currency: 'usd',
      memo: `Paid online through Stripe (${sessionId})`,
    });
    expect((await ledger().stats('tenant-a')).pending).toBe(1);

    books.dropNextAnswer(1_500);
    const report = await ledger().flush('tenant-a');
    expect(report).toMatchObject({ success: true, pushed: 1, failed: 0, receipts_pushed: 1, pending: 0 });
    // Two requests reached QuickBooks with one request id; it made one receipt.
    const creates = books.creates.filter((create) => create.entity === 'SalesReceipt');
    expect(creates).toHaveLength(2);
    expect(new Set(creates.map((create) => create.requestId)).size).toBe(1);
    expect(salesReceipts()).toHaveLength(1);
    expect(salesReceipts()[0]?.body).toMatchObject({
      DocNumber: 'order-1001',
      Line: [{ Amount: 42.5 }],
      CurrencyRef: { value: 'USD' },
    });
    expect(await ledger().entry('tenant-a', 'sale', 'order-1001')).toMatchObject({
      state: 'pushed',
      document_id: salesReceipts()[0]?.Id,
      attempts: 1,
    });
    // Nothing left: another flush sends nothing.
    expect(await ledger().flush('tenant-a')).toMatchObject({ pushed: 0 });
    expect(salesReceipts()).toHaveLength(1);

    const summary = await server.as('tenant-a')('GET', '/api/integrations/books/summary');
    expect(summary.body).toMatchObject({
      receipts_pushed: 1,
      receipts_failed: 0,
      pending: 0,
      last_push_at: clock.now().toISOString(),
      reachable: true,
    });
  });

  it('records the host’s own sales once per reference, and nothing for a tenant without the books connected', async () => {
    const sale = { reference: 'cash-17', amount: 1200, currency: 'EUR', memo: 'Cash at the counter' };
    const first = await ledger().recordSale('tenant-a', sale);
    expect(first).toMatchObject({ kind: 'sale', reference: 'cash-17', currency: 'eur', state: 'pending' });
    expect(await ledger().recordSale('tenant-a', { ...sale, amount: 99 })).toEqual(first);
    expect(await ledger().recordSale('tenant-b', sale)).toBeNull();
    await expect(ledger().recordSale('tenant-a', { ...sale, amount: 12.5 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await ledger().flush('tenant-a');
    expect(salesReceipts()).toHaveLength(1);
    expect(salesReceipts()[0]?.body).toMatchObject({
      Line: [{ Amount: 12 }],
      CurrencyRef: { value: 'EUR' },
      PrivateNote: 'POS sale cash-17 · Cash at the counter',
    });
    await ledger().recordRefund('tenant-a', {
      reference: 'refund-1',
      saleReference: 'cash-17',
      amount: 200,
      currency: 'eur',
    });
    await ledger().flush('tenant-a');
    expect(books.receipts.map((receipt) => receipt.entity)).toEqual(['SalesReceipt', 'RefundReceipt']);
  });

  it('retries a push on 429 (honouring Retry-After) and 5xx within a flush', async () => {
    await paidCheckout('order-1001');
    books.failNext({ status: 429, retryAfter: '2' }, { status: 503 });
    const report = await ledger().flush('tenant-a');
    expect(report).toMatchObject({ success: true, pushed: 1 });
    expect(waits[0]).toBe(2_000);
    expect(waits).toHaveLength(2);
    expect(salesReceipts()).toHaveLength(1);
  });

  it('keeps entries pending through an outage, waits with backoff, and records them afterwards', async () => {
    await paidCheckout('order-1001');
    await paidCheckout('order-1002', 999);
    books.failNext({ status: 503 }, { status: 503 }, { status: 503 });
    const stopped = await ledger().flush('tenant-a');
    expect(stopped).toMatchObject({ success: false, pushed: 0, pending: 2 });
    expect(stopped.message).toContain('QuickBooks is unavailable (HTTP 503)');
    const first = await ledger().entry('tenant-a', 'sale', 'order-1001');
    expect(first).toMatchObject({ state: 'pending', attempts: 1, last_error: expect.stringContaining('HTTP 503') });
    expect(Date.parse(first?.next_attempt_at ?? '') - clock.now().getTime()).toBe(30_000);
    // Not due yet: neither entry is tried.
    expect(await ledger().flushDue()).toEqual({ flushed: [], failed: [], skipped: [] });
    expect(books.creates.filter((create) => create.entity === 'SalesReceipt')).toHaveLength(3);
    clock.advance(30_000);
    expect(await ledger().flushDue()).toEqual({ flushed: ['tenant-a'], failed: [], skipped: [] });
    expect(salesReceipts()).toHaveLength(2);
    const logs = await server.as('tenant-a')('GET', '/api/integrations/books/logs');
    expect((logs.body.logs as Array<{ event: string }>).map((log) => log.event)).toContain('accounting_waiting');
  });

  it('marks an entry QuickBooks refuses as failed, with its message in the log and the summary, and retries it on request', async () => {
    await paidCheckout('order-1001');
    books.failNext({
      status: 400,
      message: 'Invalid Reference Id',
      detail: 'Invalid Reference Id : Item assigned to this transaction has been deleted',
      code: '2500',
    });
    const report = await ledger().flush('tenant-a');
    expect(report).toMatchObject({ success: false, pushed: 0, failed: 1, receipts_failed: 1, pending: 0 });
    const entry = await ledger().entry('tenant-a', 'sale', 'order-1001');
    expect(entry).toMatchObject({
      state: 'failed',
      last_error:
        'QuickBooks said: Invalid Reference Id (Invalid Reference Id : Item assigned to this transaction has been deleted)',
    });
    const logs = await server.as('tenant-a')('GET', '/api/integrations/books/logs');
    const failure = (logs.body.logs as Array<{ event: string; level: string; message: string }>).find(
      (log) => log.event === 'accounting_failed',
    );
    expect(failure).toMatchObject({
      level: 'error',
      message: `Test books refused the sale order-1001 (42.50 USD): ${entry?.last_error}`,
    });
    const summary = await server.as('tenant-a')('GET', '/api/integrations/books/summary');
    expect(summary.body).toMatchObject({ receipts_failed: 1, receipts_pushed: 0, pending: 0 });

    expect(await ledger().retryFailed('tenant-a')).toMatchObject({ success: true, pushed: 1, receipts_failed: 0 });
    expect(salesReceipts()).toHaveLength(1);
  });

  it('waits for a reconnect when QuickBooks refuses the token, without trying again meanwhile', async () => {
    await paidCheckout('order-1001');
    // The merchant disconnected the app in QuickBooks: the stored token no longer opens the books.
    tokenRevoked = true;
    const stopped = await ledger().flush('tenant-a');
    expect(stopped).toMatchObject({ success: false, pushed: 0, pending: 1 });
    const status = await server.as('tenant-a')('GET', '/api/integrations/books/status');
    expect(status.body).toMatchObject({ needs_reconnect: true, last_error_code: 'QUICKBOOKS_TOKEN_EXPIRED' });
    const tried = books.creates.length;
    expect(await ledger().flushDue()).toEqual({ flushed: [], failed: [], skipped: ['tenant-a'] });
    expect(books.creates).toHaveLength(tried);
    // Connecting again lets the entry go at once.
    tokenRevoked = false;
    const again = await server.as('tenant-a')('POST', '/api/integrations/books/credentials', {
      body: { access_token: QUICKBOOKS_BOOKS_TOKEN, realm_id: QUICKBOOKS_BOOKS_REALM_ID },
    });
    expect(again.status).toBe(200);
    expect(await ledger().flushDue()).toEqual({ flushed: ['tenant-a'], failed: [], skipped: [] });
    expect(salesReceipts()).toHaveLength(1);
  });

  it('keeps entries through a disconnect and records them once the books are connected again', async () => {
    await paidCheckout('order-1001');
    await server.as('tenant-a')('DELETE', '/api/integrations/books/disconnect');
    await expect(ledger().flush('tenant-a')).rejects.toMatchObject({ code: 'NOT_CONNECTED', status: 409 });
    expect(await ledger().flushDue()).toEqual({ flushed: [], failed: [], skipped: ['tenant-a'] });
    expect(await ledger().entry('tenant-a', 'sale', 'order-1001')).toMatchObject({ state: 'pending' });
    await server.as('tenant-a')('POST', '/api/integrations/books/credentials', {
      body: { access_token: QUICKBOOKS_BOOKS_TOKEN, realm_id: QUICKBOOKS_BOOKS_REALM_ID },
    });
    expect(await ledger().flushDue()).toEqual({ flushed: ['tenant-a'], failed: [], skipped: [] });
    expect(salesReceipts()).toHaveLength(1);
  });

  it('says sync in the capabilities when the books connector is configured', async () => {
    const capabilities = await server.anonymous('GET', '/api/capabilities');
    expect(capabilities.body.accounting_mode).toBe('sync');
    const described = await server.as('tenant-a')('GET', '/api/integrations');
    const card = (described.body.integrations as Array<{ id: string; labels?: Record<string, string> }>).find(
      (integration) => integration.id === 'books',
    );
    expect(card?.labels).toMatchObject({ receipts_pushed: 'Receipts recorded', pending: 'Waiting to be recorded' });
  });
});
