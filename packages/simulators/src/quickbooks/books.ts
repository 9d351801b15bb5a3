import {
  json,
  jsonOf,
  type Route,
  type SimulatedRequest,
  type SimulatedResponse,
  simulator,
  sleep,
} from '../exchange.js';
import { authenticationFault, fault } from './state.js';

/** The company (realm) and access token the books simulator accepts unless told otherwise. */
export const QUICKBOOKS_BOOKS_REALM_ID = '9130357766900456';
export const QUICKBOOKS_BOOKS_TOKEN = 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0.books-test-token';

/** A row of the simulated chart of accounts. */
export interface BooksAccount {
  Id: string;
  Name: string;
  AccountType: string;
  AccountSubType: string;
  Active: boolean;
}

export interface BooksItem {
  Id: string;
  Name: string;
  Type: string;
  Active: boolean;
  IncomeAccountRef: { value: string };
}

/** A SalesReceipt or RefundReceipt as the simulator stored it. */
export interface BooksReceipt {
  Id: string;
  entity: 'SalesReceipt' | 'RefundReceipt';
  /** The `requestid` it was created with. */
  requestId: string;
  body: Record<string, unknown>;
}

/** A QuickBooks answer to give instead of the next create. */
export interface BooksFault {
  status: number;
  /** For a 4xx: QuickBooks' `Message` (and `Detail`, `code`). */
  message?: string;
  detail?: string;
  code?: string;
  retryAfter?: string;
}

export interface BooksSimulatorOptions {
  realmId?: string;
  /** Which bearer tokens it accepts (default: `QUICKBOOKS_BOOKS_TOKEN` only); a token simulator may decide. */
  accepts?: (accessToken: string) => boolean;
  /** The chart of accounts (default: an income, an Undeposited Funds and a bank account). */
  accounts?: BooksAccount[];
  items?: BooksItem[];
}

export function booksAccounts(): BooksAccount[] {
  return [
    { Id: '1', Name: 'Services', AccountType: 'Income', AccountSubType: 'ServiceFeeIncome', Active: true },
    {
      Id: '79',
      Name: 'Sales of Product Income',
      AccountType: 'Income',
      AccountSubType: 'SalesOfProductIncome',
      Active: true,
    },
    {
      Id: '4',
      Name: 'Undeposited Funds',
      AccountType: 'Other Current Asset',
      AccountSubType: 'UndepositedFunds',
      Active: true,
    },
    { Id: '35', Name: 'Checking', AccountType: 'Bank', AccountSubType: 'Checking', Active: true },
  ];
}

const validation = (message: string, detail: string, code: string) =>
  fault(400, 'ValidationFault', code, message, detail);

/** `Field = 'text'` and `Field = true` conditions joined by `and` (QuickBooks has no `or`). */
function matches(row: Record<string, unknown>, where: string): boolean {
  return where
    .split(/\s+and\s+/i)
    .map((condition) => /^\s*(\w+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(true|false))\s*$/i.exec(condition))
    .every((match) => {
      if (!match) return false;
      const [, field, text, flag] = match;
      const value = row[field as string];
      if (flag !== undefined) return value === (flag.toLowerCase() === 'true');
      return value === (text as string).replace(/\\(.)/g, '$1');
    });
}

/**
 * A simulated QuickBooks Online company's books: `GET query` over Item and Account, `POST item`,
 * `POST salesreceipt` and `POST refundreceipt` under `/v3/company/{realmId}/`. Like Intuit, a
 * write repeated with the same `requestid` answers the first write's response without doing it
 * again. `failNext` answers the next create with a 429, 5xx or 4xx Fault; `dropNextAnswer` stores
 * the next create, then holds its answer back so that the caller times out after QuickBooks
 * received it. Every answer carries `X-Simulated: quickbooks`.
 */
export function createQuickBooksBooksSimulator(options: BooksSimulatorOptions = {}) {
  const realmId = options.realmId ?? QUICKBOOKS_BOOKS_REALM_ID;
  const accepts = options.accepts ?? ((token: string) => token === QUICKBOOKS_BOOKS_TOKEN);
  const accounts = options.accounts ?? booksAccounts();
  const items: BooksItem[] = [...(options.items ?? [])];
  const receipts: BooksReceipt[] = [];
  /** Every create the simulator received, answered or not, in order. */
  const creates: Array<{ entity: string; requestId: string | null }> = [];
  const answered = new Map<string, SimulatedResponse>();
  const faults: BooksFault[] = [];
  let holdNext: number | undefined;
  let nextId = 100;

  const authorized = (request: SimulatedRequest, realm: string): SimulatedResponse | undefined => {
    const token = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
    if (realm === realmId && accepts(token)) return undefined;
    return authenticationFault();
  };

  function injected(): SimulatedResponse | undefined {
    const next = faults.shift();
    if (!next) return undefined;
    if (next.status === 429) {
      const throttled = fault(429, 'ThrottlingFault', '3001', 'Throttle exceeded');
      if (next.retryAfter !== undefined) throttled.headers['retry-after'] = next.retryAfter;
      return throttled;
    }
    if (next.status >= 500) {
      return fault(
        next.status,
        'SystemFault',
        '10000',
        'An application error has occurred while processing your request',
      );
    }
    const message = next.message ?? 'A business validation error has occurred while processing your request';
    return fault(next.status, 'ValidationFault', next.code ?? '6000', message, next.detail ?? message);
  }

  /** Runs a create once per `requestid`; a repeat answers what the first one did. */
  async function create(
    request: SimulatedRequest,
    realm: string,
    entity: string,
    make: (body: Record<string, unknown>) => SimulatedResponse,
  ): Promise<SimulatedResponse> {
    const refused = authorized(request, realm);
    if (refused) return refused;
    const requestId = request.query.get('requestid');
    creates.push({ entity, requestId });
    const fail = injected();
    if (fail) return fail;
    const key = requestId === null ? undefined : `${realm}\u0000${requestId}`;
    let answer = key === undefined ? undefined : answered.get(key);
    if (!answer) {
      answer = make(jsonOf(request));
      if (key !== undefined && answer.status < 300) answered.set(key, answer);
    }
    if (holdNext !== undefined) {
      const delay = holdNext;
      holdNext = undefined;
      await sleep(delay);
    }
    return answer;
  }

  function receipt(entity: BooksReceipt['entity'], request: SimulatedRequest) {
    return (body: Record<string, unknown>): SimulatedResponse => {
      const docNumber = typeof body.DocNumber === 'string' ? body.DocNumber : '';
      if (docNumber.length > 21) {
        return validation(
          'String length is either shorter or longer than supported by specification',
          `String length is either shorter or longer than supported by specification. Min:0 Max:21 supported. Supplied length:${docNumber.length}`,
          '2050',
        );
      }
      const lines = Array.isArray(body.Line) ? (body.Line as Array<Record<string, unknown>>) : [];
      if (lines.length === 0)
        return validation(
          'Required param missing, need to supply the required value for the API',
          'Required parameter Line is missing in the request',
          '2020',
        );
      for (const line of lines) {
        const ref = (line.SalesItemLineDetail as { ItemRef?: { value?: string } } | undefined)?.ItemRef?.value;
        if (!items.some((item) => item.Id === ref && item.Active)) {
          return validation(
            'Invalid Reference Id',
            `Invalid Reference Id : Item assigned to this transaction has been deleted. Id=${ref}`,
            '2500',
          );
        }
      }
      if (entity === 'RefundReceipt') {
        const account = (body.DepositToAccountRef as { value?: string } | undefined)?.value;
        if (!accounts.some((row) => row.Id === account)) {
          return validation(
            'Required param missing, need to supply the required value for the API',
            'Required parameter DepositToAccountRef is missing in the request',
            '2020',
          );
        }
      }
      const total = lines.reduce((sum, line) => sum + Number(line.Amount ?? 0), 0);
      const stored: BooksReceipt = {
        Id: String(nextId++),
        entity,
        requestId: request.query.get('requestid') ?? '',
        body,
      };
      receipts.push(stored);
      return json(200, {
        [entity]: { ...body, Id: stored.Id, SyncToken: '0', TotalAmt: Number(total.toFixed(2)) },
        time: new Date().toISOString(),
      });
    };
  }

  const routes: Route[] = [
    [
      'GET',
      // Not Intuit's: lets a demo user (and a test) see what reached the simulated books.
      '/simulation/receipts',
      () =>
        json(200, {
          receipts: receipts.map(({ Id, entity, requestId, body }) => ({
            Id,
            entity,
            request_id: requestId,
            DocNumber: body.DocNumber ?? null,
            PrivateNote: body.PrivateNote ?? null,
            TotalAmt: body.TotalAmt ?? null,
            CurrencyRef: body.CurrencyRef ?? null,
          })),
        }),
    ],
    [
      'GET',
      '/v3/company/:realm/query',
      (request, { realm }) => {
        const refused = authorized(request, realm as string);
        if (refused) return refused;
        const text = request.query.get('query') ?? '';
        const parsed = /^\s*select\s+\*\s+from\s+(\w+)(?:\s+where\s+(.+?))?\s*$/i.exec(text);
        if (!parsed) return validation('Error parsing query', `QueryParserError: Encountered "${text}"`, '4000');
        const [, entity, where] = parsed;
        const table =
          entity?.toLowerCase() === 'item' ? items : entity?.toLowerCase() === 'account' ? accounts : undefined;
        if (!table)
          return validation('Error parsing query', `QueryValidationError: Unsupported entity ${entity}`, '4001');
        const name = entity?.toLowerCase() === 'item' ? 'Item' : 'Account';
        // Like QuickBooks, a query that does not ask about `Active` finds active rows only.
        const condition =
          where && /\bactive\b/i.test(where) ? where : [where, 'Active = true'].filter(Boolean).join(' and ');
        const rows = table.filter((row) => matches(row as unknown as Record<string, unknown>, condition));
        return json(200, {
          QueryResponse: rows.length > 0 ? { [name]: rows, startPosition: 1, maxResults: rows.length } : {},
          time: new Date().toISOString(),
        });
      },
    ],
    [
      'POST',
      '/v3/company/:realm/item',
      (request, { realm }) =>
        create(request, realm as string, 'Item', (body) => {
          const name = typeof body.Name === 'string' ? body.Name : '';
          if (items.some((item) => item.Name === name)) {
            return validation('Duplicate Name Exists Error', `The name supplied already exists. : ${name}`, '6240');
          }
          const income = (body.IncomeAccountRef as { value?: string } | undefined)?.value;
          if (!accounts.some((account) => account.Id === income && account.AccountType === 'Income')) {
            return validation(
              'Invalid Reference Id',
              `Invalid Reference Id : Accounts element id ${income} not found`,
              '2500',
            );
          }
          const item: BooksItem = {
            Id: String(nextId++),
            Name: name,
            Type: String(body.Type ?? 'Service'),
            Active: true,
            IncomeAccountRef: { value: income as string },
          };
          items.push(item);
          return json(200, { Item: item, time: new Date().toISOString() });
        }),
    ],
    [
      'POST',
      '/v3/company/:realm/salesreceipt',
      (request, { realm }) => create(request, realm as string, 'SalesReceipt', receipt('SalesReceipt', request)),
    ],
    [
      'POST',
      '/v3/company/:realm/refundreceipt',
      (request, { realm }) => create(request, realm as string, 'RefundReceipt', receipt('RefundReceipt', request)),
    ],
  ];

  return {
    ...simulator('quickbooks', routes),
    realmId,
    accounts,
    items,
    receipts,
    creates,
    /** Answers the next creates with these Faults, in order, before doing anything. */
    failNext(...next: BooksFault[]) {
      faults.push(...next);
    },
    /** Does the next create, then holds its answer back for `ms` (longer than the caller waits). */
    dropNextAnswer(ms = 2_000) {
      holdNext = ms;
    },
  };
}

export type QuickBooksBooksSimulator = ReturnType<typeof createQuickBooksBooksSimulator>;
