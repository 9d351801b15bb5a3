import {
  type AccountingEntry,
  createOutboundGuard,
  IntegrationError,
  silentLogger,
  systemClock,
} from '@pos/integrations-core/connector';
import {
  createQuickBooksBooksSimulator,
  mswHandlers,
  QUICKBOOKS_BOOKS_REALM_ID,
  QUICKBOOKS_BOOKS_TOKEN,
  type QuickBooksBooksSimulator,
  useProviderMock,
} from '@pos/test-support';
import { beforeEach, describe, expect, it } from 'vitest';
import { DOC_NUMBER_MAX, decimalAmount, docNumber, quickbooksAccounting } from '../src/accounting.js';
import { readFault } from '../src/errors.js';
import { QUICKBOOKS_API_HOSTS } from '../src/quickbooks.js';

const mock = useProviderMock();
const context = { tenantId: 'tenant-a', clock: systemClock, logger: silentLogger, outbound: createOutboundGuard() };
const credentials = {
  secret: { access_token: QUICKBOOKS_BOOKS_TOKEN, refresh_token: 'AB11-refresh-token-value' },
  publicData: { realm_id: QUICKBOOKS_BOOKS_REALM_ID },
};
const sale: AccountingEntry = {
  kind: 'sale',
  reference: 'order-1001',
  amount: 4250,
  currency: 'usd',
  occurredAt: '2026-03-04T22:15:00.000Z',
  memo: 'Paid online through Stripe (cs_test_1)',
};

let books: QuickBooksBooksSimulator;
beforeEach(() => {
  books = createQuickBooksBooksSimulator();
  mock.use(...mswHandlers(books, QUICKBOOKS_API_HOSTS.sandbox));
});

const accounting = (timeoutMs?: number) =>
  quickbooksAccounting({ apiBase: QUICKBOOKS_API_HOSTS.sandbox, ...(timeoutMs ? { timeoutMs } : {}) });

async function refusal(promise: Promise<unknown>): Promise<IntegrationError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof IntegrationError)) throw new Error(`Expected an IntegrationError, got ${String(error)}`);
  return error;
}

describe('QuickBooks accounting: receipts', () => {
  it('creates the "POS Sales" item on first use against an income account, then one SalesReceipt per sale', async () => {
    const capability = accounting();
    const first = await capability.push(sale, 'req-1', credentials, context);
    expect(books.items).toEqual([
      { Id: expect.any(String), Name: 'POS Sales', Type: 'Service', Active: true, IncomeAccountRef: { value: '79' } },
    ]);
    expect(books.receipts).toHaveLength(1);
    const [receipt] = books.receipts;
    expect(first).toEqual({ documentId: receipt?.Id });
    expect(receipt).toMatchObject({ entity: 'SalesReceipt', requestId: 'req-1' });
    expect(receipt?.body).toEqual({
      TxnDate: '2026-03-04',
      DocNumber: 'order-1001',
      PrivateNote: 'POS sale order-1001 · Paid online through Stripe (cs_test_1)',
      CurrencyRef: { value: 'USD' },
      Line: [
        {
          Amount: 42.5,
          DetailType: 'SalesItemLineDetail',
          SalesItemLineDetail: { ItemRef: { value: books.items[0]?.Id }, Qty: 1, UnitPrice: 42.5 },
        },
      ],
    });
    // The item is known now: the next sale creates no item.
    await capability.push({ ...sale, reference: 'order-1002' }, 'req-2', credentials, context);
    expect(books.items).toHaveLength(1);
    expect(books.creates.map((create) => create.entity)).toEqual(['Item', 'SalesReceipt', 'SalesReceipt']);
  });

  it('books against an existing item of the chosen name, found by query', async () => {
    books.items.push({ Id: '7', Name: "Joe's till", Type: 'Service', Active: true, IncomeAccountRef: { value: '1' } });
    await quickbooksAccounting({ apiBase: QUICKBOOKS_API_HOSTS.sandbox, itemName: "Joe's till" }).push(
      sale,
      'req-1',
      credentials,
      context,
    );
    expect(books.creates.map((create) => create.entity)).toEqual(['SalesReceipt']);
    expect(books.receipts[0]?.body.Line).toMatchObject([{ SalesItemLineDetail: { ItemRef: { value: '7' } } }]);
  });

  it('answers a repeated request id with the first receipt, as Intuit does', async () => {
    const capability = accounting();
    const first = await capability.push(sale, 'req-same', credentials, context);
    const again = await accounting().push(sale, 'req-same', credentials, context);
    expect(again).toEqual(first);
    expect(books.receipts).toHaveLength(1);
  });

  it('keeps a receipt made before the answer timed out: the retry with the same request id gets it back', async () => {
    const capability = accounting(150);
    await capability.push({ ...sale, reference: 'warm-up' }, 'req-0', credentials, context);
    books.dropNextAnswer(1_000);
    const timedOut = await refusal(capability.push(sale, 'req-1', credentials, context));
    expect(timedOut).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: 'QuickBooks did not answer in time. Try again shortly.',
    });
    expect(books.receipts).toHaveLength(2);
    const retried = await capability.push(sale, 'req-1', credentials, context);
    expect(books.receipts).toHaveLength(2);
    expect(retried).toEqual({ documentId: books.receipts[1]?.Id });
  });

  it('fits a long order id into DocNumber and keeps the whole id in PrivateNote', async () => {
    const reference = 'store-42:register-7:order-2026-03-04-000123';
    await accounting().push({ ...sale, reference }, 'req-1', credentials, context);
    const body = books.receipts[0]?.body;
    expect(String(body?.DocNumber)).toHaveLength(DOC_NUMBER_MAX);
    expect(body?.DocNumber).toBe(docNumber(reference));
    expect(docNumber(reference)).not.toBe(docNumber(`${reference}4`));
    expect(body?.PrivateNote).toContain(reference);
  });

  it('records a refund as a RefundReceipt paid from Undeposited Funds', async () => {
    const result = await accounting().push(
      { ...sale, kind: 'refund', reference: 're_1001', saleReference: 'order-1001', amount: 1000, memo: undefined },
      'req-r',
      credentials,
      context,
    );
    const [refund] = books.receipts;
    expect(result).toEqual({ documentId: refund?.Id });
    expect(refund?.entity).toBe('RefundReceipt');
    expect(refund?.body).toMatchObject({
      DocNumber: 're_1001',
      PrivateNote: 'POS refund re_1001 · of sale order-1001',
      DepositToAccountRef: { value: '4' },
      Line: [{ Amount: 10 }],
    });
  });

  it('turns minor units into the currency’s decimals', () => {
    expect(decimalAmount(4250, 'usd')).toBe(42.5);
    expect(decimalAmount(500, 'jpy')).toBe(500);
    expect(decimalAmount(1234, 'kwd')).toBe(1.234);
    expect(decimalAmount(1, 'eur')).toBe(0.01);
  });
});

describe('QuickBooks accounting: failures', () => {
  it('passes a ValidationFault on in QuickBooks’ words, with its code and intuit_tid', async () => {
    books.failNext({
      status: 400,
      message: 'Duplicate Document Number Error',
      detail:
        'Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=order-1001',
      code: '6140',
    });
    const error = await refusal(accounting().push(sale, 'req-1', credentials, context));
    expect(error).toMatchObject({
      code: 'QUICKBOOKS_RECEIPT_REJECTED',
      status: 400,
      needsReconnect: false,
      message:
        'QuickBooks said: Duplicate Document Number Error (Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=order-1001)',
      details: { quickbooks_status: 400, quickbooks_code: '6140', intuit_tid: expect.stringMatching(/sim$/) },
    });
  });

  it('asks for a reconnect when QuickBooks refuses the token, without echoing it', async () => {
    const error = await refusal(
      accounting().push(
        sale,
        'req-1',
        { ...credentials, secret: { ...credentials.secret, access_token: 'expired-token' } },
        context,
      ),
    );
    expect(error).toMatchObject({ code: 'QUICKBOOKS_TOKEN_EXPIRED', needsReconnect: true, status: 409 });
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('expired-token');
  });

  it('maps throttling and outages to the retryable codes, with Retry-After', async () => {
    books.items.push({ Id: '7', Name: 'POS Sales', Type: 'Service', Active: true, IncomeAccountRef: { value: '79' } });
    books.failNext({ status: 429, retryAfter: '60' }, { status: 503 });
    expect(await refusal(accounting().push(sale, 'req-1', credentials, context))).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 60,
    });
    expect(await refusal(accounting().push(sale, 'req-1', credentials, context))).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: 'QuickBooks is unavailable (HTTP 503). Try again shortly.',
    });
    expect(books.receipts).toHaveLength(0);
    await accounting().push(sale, 'req-1', credentials, context);
    expect(books.receipts).toHaveLength(1);
  });

  it('says what to do when the company has no income account for the item', async () => {
    books.accounts.splice(0, books.accounts.length);
    const error = await refusal(accounting().push(sale, 'req-1', credentials, context));
    expect(error.code).toBe('QUICKBOOKS_RECEIPT_REJECTED');
    expect(error.message).toMatch(/no active income account .*"POS Sales"/);
  });

  it('looks the item up again after QuickBooks refused a receipt for it (the item was deleted)', async () => {
    const capability = accounting();
    await capability.push(sale, 'req-1', credentials, context);
    books.items.splice(0, 1);
    const refused = await refusal(capability.push({ ...sale, reference: 'order-2' }, 'req-2', credentials, context));
    expect(refused.message).toContain('Invalid Reference Id');
    await capability.push({ ...sale, reference: 'order-2' }, 'req-3', credentials, context);
    expect(books.items).toHaveLength(1);
    expect(books.receipts).toHaveLength(2);
  });

  it('reads Fault bodies whatever the case of their keys', () => {
    expect(readFault({ fault: { error: [{ message: 'AuthenticationFailed', detail: 'x', code: '3200' }] } })).toEqual({
      type: undefined,
      message: 'AuthenticationFailed',
      detail: 'x',
      code: '3200',
    });
    expect(readFault({ Fault: { Error: [{ Message: 'Same', Detail: 'Same' }], type: 'ValidationFault' } })).toEqual({
      type: 'ValidationFault',
      message: 'Same',
      detail: 'Same',
      code: undefined,
    });
    expect(readFault('<html>')).toBeUndefined();
  });
});
