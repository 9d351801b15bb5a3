import { createHash, randomUUID } from 'node:crypto';
import {
  type AccountingCapability,
  type AccountingEntry,
  type ConnectorCredentials,
  type HeaderSource,
  IntegrationError,
  type Lazy,
  resolveLazy,
  transientStatus,
  unreachable,
} from '@pos/integrations-core/connector';
import { MINOR_VERSION } from './company.js';
import { field, quickbooksErrors, readFault } from './errors.js';
import type { QuickBooksPublicData, QuickBooksSecret } from './quickbooks.js';

/** The longest `DocNumber` QuickBooks takes on a sales or refund receipt. */
export const DOC_NUMBER_MAX = 21;
/** The item POS sales are booked against unless the merchant names another. */
export const DEFAULT_SALES_ITEM = 'POS Sales';
/** Preferred income accounts for a new sales item, by name; otherwise the first active income account. */
const INCOME_ACCOUNTS = ['Sales of Product Income', 'Sales'];
/** QuickBooks' code for a name that an item (or another name-list entity) already has. */
const DUPLICATE_NAME = '6240';

type Credentials = ConnectorCredentials<QuickBooksSecret, Pick<QuickBooksPublicData, 'realm_id'>>;

export interface QuickBooksAccountingOptions {
  /** The Accounting API host (production, sandbox, a simulator); a function is read on every call. */
  apiBase: Lazy<string>;
  /** Sent as `minorversion` (default the connector's `MINOR_VERSION`). */
  minorVersion?: number;
  /** The item every receipt line is booked against, found by name or created (default "POS Sales"). */
  itemName?: string;
  /** How long one request may take (default 30 s; QuickBooks itself gives up after 120 s). */
  timeoutMs?: number;
}

/**
 * A refused receipt call as one of the connector's codes, with QuickBooks' own words: 401 means
 * the access token is no longer accepted (reconnect), 429 and 5xx are transient, any other
 * refusal is `QUICKBOOKS_RECEIPT_REJECTED`.
 */
export function fromReceiptAnswer(status: number, body: unknown, headers: HeaderSource): IntegrationError {
  const fault = readFault(body);
  const tid = headers.get('intuit_tid');
  const details = {
    quickbooks_status: status,
    ...(fault?.code ? { quickbooks_code: fault.code } : {}),
    ...(tid ? { intuit_tid: tid } : {}),
  };
  const transient = transientStatus('QuickBooks', status, { headers, details });
  if (transient) return transient;
  if (status === 401) {
    return quickbooksErrors.error(
      'QUICKBOOKS_TOKEN_EXPIRED',
      'QuickBooks refused the access token: it expired or the app was disconnected in QuickBooks. Connect again.',
      { details, needsReconnect: true },
    );
  }
  const detail = fault?.detail && fault.detail !== fault.message ? ` (${fault.detail})` : '';
  const reason = fault?.message ? `${fault.message}${detail}` : `HTTP ${status}`;
  return quickbooksErrors.error('QUICKBOOKS_RECEIPT_REJECTED', `QuickBooks said: ${reason}`, { details });
}

/** The order id as a `DocNumber`: itself when it fits, else its start and a hash of the whole (21 characters). */
export function docNumber(reference: string): string {
  if (reference.length <= DOC_NUMBER_MAX) return reference;
  const hash = createHash('sha256').update(reference).digest('hex').slice(0, 8);
  return `${reference.slice(0, DOC_NUMBER_MAX - 9)}~${hash}`;
}

/** Minor units as the decimal amount QuickBooks takes (4250 USD → 42.5, 500 JPY → 500). */
export function decimalAmount(minor: number, currency: string): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits as number;
  return Number((minor / 10 ** digits).toFixed(digits));
}

/** A value inside single quotes in a QuickBooks query. */
function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Records POS sales as QuickBooks SalesReceipts and refunds as RefundReceipts. Every line is
 * booked against one item ("POS Sales" unless `itemName` says otherwise), found by name or
 * created on first use with an income account found by query. Every create carries the entry's
 * `requestid`, so QuickBooks answers a repeated request with the first document.
 */
export function quickbooksAccounting(
  options: QuickBooksAccountingOptions,
): AccountingCapability<QuickBooksSecret, Pick<QuickBooksPublicData, 'realm_id'>> {
  const minorVersion = options.minorVersion ?? MINOR_VERSION;
  const itemName = options.itemName ?? DEFAULT_SALES_ITEM;
  const timeoutMs = options.timeoutMs ?? 30_000;
  // Item ids per company, learned once per process; forgotten when a receipt is refused.
  const items = new Map<string, string>();

  async function request(
    credentials: Credentials,
    method: 'GET' | 'POST',
    path: string,
    init: {
      query?: Record<string, string>;
      body?: unknown;
    },
  ): Promise<Record<string, unknown>> {
    const realm = encodeURIComponent(credentials.publicData.realm_id);
    const url = new URL(`${resolveLazy(options.apiBase).replace(/\/+$/, '')}/v3/company/${realm}/${path}`);
    for (const [name, value] of Object.entries(init.query ?? {})) url.searchParams.set(name, value);
    url.searchParams.set('minorversion', String(minorVersion));
    let answer: Response;
    try {
      answer = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${credentials.secret.access_token}`,
          accept: 'application/json',
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw unreachable('QuickBooks', error);
    }
    const text = await answer.text().catch(() => '');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = {};
    }
    if (!answer.ok) throw fromReceiptAnswer(answer.status, body, answer.headers);
    if (typeof body !== 'object' || body === null) {
      throw new IntegrationError('PROVIDER_UNAVAILABLE', 'QuickBooks returned a response that could not be read.');
    }
    return body as Record<string, unknown>;
  }

  async function query(credentials: Credentials, entity: string, where: string): Promise<Record<string, unknown>[]> {
    const body = await request(credentials, 'GET', 'query', {
      query: { query: `select * from ${entity} where ${where}` },
    });
    const rows = field(field(body, 'queryresponse'), entity.toLowerCase());
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  }

  const idOf = (row: Record<string, unknown> | undefined) => (row && row.Id !== undefined ? String(row.Id) : undefined);

  async function incomeAccount(credentials: Credentials): Promise<string> {
    const accounts = await query(credentials, 'Account', "AccountType = 'Income' and Active = true");
    const preferred = INCOME_ACCOUNTS.map((name) => accounts.find((account) => account.Name === name)).find(Boolean);
    const id = idOf(preferred ?? accounts[0]);
    if (id) return id;
    throw quickbooksErrors.error(
      'QUICKBOOKS_RECEIPT_REJECTED',
      `QuickBooks has no active income account to book the "${itemName}" item to. Add an income account in QuickBooks (Chart of accounts), then retry the failed receipts.`,
    );
  }

  async function salesItem(credentials: Credentials): Promise<string> {
    const key = `${credentials.publicData.realm_id}\u0000${itemName}`;
    const known = items.get(key);
    if (known) return known;
    const find = async () => idOf((await query(credentials, 'Item', `Name = ${quoted(itemName)}`))[0]);
    let id = await find();
    if (!id) {
      try {
        const created = await request(credentials, 'POST', 'item', {
          query: { requestid: randomUUID() },
          body: { Name: itemName, Type: 'Service', IncomeAccountRef: { value: await incomeAccount(credentials) } },
        });
        id = idOf(field(created, 'item') as Record<string, unknown> | undefined);
      } catch (error) {
        // Another server created it a moment ago ("Duplicate Name Exists Error"): use that one.
        if (!(error instanceof IntegrationError && error.details?.quickbooks_code === DUPLICATE_NAME)) throw error;
        id = await find();
        if (!id) throw error;
      }
    }
    if (!id) throw new IntegrationError('PROVIDER_UNAVAILABLE', 'QuickBooks answered without the item id.');
    items.set(key, id);
    return id;
  }

  async function refundAccount(credentials: Credentials): Promise<string> {
    const undeposited = await query(credentials, 'Account', "AccountSubType = 'UndepositedFunds' and Active = true");
    const id =
      idOf(undeposited[0]) ?? idOf((await query(credentials, 'Account', "AccountType = 'Bank' and Active = true"))[0]);
    if (id) return id;
    throw quickbooksErrors.error(
      'QUICKBOOKS_RECEIPT_REJECTED',
      'QuickBooks has no Undeposited Funds or bank account to pay the refund from. Add a bank account in QuickBooks, then retry the failed receipts.',
    );
  }

  return {
    async push(entry: AccountingEntry, requestId: string, credentials: Credentials) {
      const amount = decimalAmount(entry.amount, entry.currency);
      const item = await salesItem(credentials);
      const document = {
        TxnDate: entry.occurredAt.slice(0, 10),
        DocNumber: docNumber(entry.reference),
        PrivateNote: [
          entry.kind === 'sale' ? `POS sale ${entry.reference}` : `POS refund ${entry.reference}`,
          entry.saleReference ? `of sale ${entry.saleReference}` : undefined,
          entry.memo,
        ]
          .filter(Boolean)
          .join(' · ')
          .slice(0, 4000),
        CurrencyRef: { value: entry.currency.toUpperCase() },
        Line: [
          {
            Amount: amount,
            DetailType: 'SalesItemLineDetail',
            SalesItemLineDetail: { ItemRef: { value: item }, Qty: 1, UnitPrice: amount },
          },
        ],
        ...(entry.kind === 'refund' ? { DepositToAccountRef: { value: await refundAccount(credentials) } } : {}),
      };
      const entity = entry.kind === 'sale' ? 'SalesReceipt' : 'RefundReceipt';
      try {
        const created = await request(credentials, 'POST', entity.toLowerCase(), {
          query: { requestid: requestId },
          body: document,
        });
        const id = idOf(field(created, entity.toLowerCase()) as Record<string, unknown> | undefined);
        if (!id) throw new IntegrationError('PROVIDER_UNAVAILABLE', `QuickBooks answered without the ${entity} id.`);
        return { documentId: id };
      } catch (error) {
        // The item may have been deleted or made inactive: look it up again next time.
        if (error instanceof IntegrationError && error.code === 'QUICKBOOKS_RECEIPT_REJECTED') {
          items.delete(`${credentials.publicData.realm_id}\u0000${itemName}`);
        }
        throw error;
      }
    },
  };
}
