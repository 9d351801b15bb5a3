import {
  type CataloguePage,
  createOutboundGuard,
  IntegrationError,
  oauthRedirect,
  silentLogger,
  systemClock,
} from '@pos/integrations-core/connector';
import {
  CLOVER_API,
  CLOVER_APP_ID,
  CLOVER_APP_SECRET,
  CLOVER_MERCHANT_ID,
  CLOVER_REDIRECT_URI,
  cloverGeneratedCatalogue,
  cloverMerchant,
  cloverSimulation,
  useProviderMock,
} from '@pos/test-support';
import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { productRow } from '../src/catalogue.js';
import { clover } from '../src/index.js';

const mock = useProviderMock();
const context = { tenantId: 'tenant-a', clock: systemClock, logger: silentLogger, outbound: createOutboundGuard() };
const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2_000 };
const connectorWith = (options: { pageSize?: number } = {}) =>
  clover({
    appId: CLOVER_APP_ID,
    appSecret: CLOVER_APP_SECRET,
    redirectUri: CLOVER_REDIRECT_URI,
    retry: fastRetry,
    ...options,
  });
const ITEMS = `${CLOVER_API}/v3/merchants/${CLOVER_MERCHANT_ID}/items`;

/** A simulated merchant and the connector's credentials for it, with every inventory request recorded. */
async function connected(options: Parameters<typeof cloverSimulation>[0] = {}, pageSize?: number) {
  const sim = cloverSimulation(options);
  mock.use(...sim.handlers);
  const connector = connectorWith(pageSize === undefined ? {} : { pageSize });
  const back = sim.approve(connector.authorizationUrl('state', context));
  const credentials = await connector.exchange(oauthRedirect(Object.fromEntries(back.searchParams)), context);
  const requests: Array<{ url: URL; at: number; authorization: string | null }> = [];
  mock.events.removeAllListeners();
  mock.events.on('request:start', ({ request }) => {
    requests.push({ url: new URL(request.url), at: Date.now(), authorization: request.headers.get('authorization') });
  });
  const read = (signal = new AbortController().signal) =>
    connector.catalogue?.read('products', credentials, context, { signal }) as AsyncIterable<CataloguePage>;
  return { sim, connector, credentials, requests, read };
}

async function pagesOf(pages: AsyncIterable<CataloguePage>) {
  const all: CataloguePage[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

const rowsOf = (pages: CataloguePage[]) => pages.flatMap((page) => page.rows);

describe('Clover catalogue', () => {
  it('offers products only', async () => {
    const { connector, credentials } = await connected();
    expect(connector.catalogue?.entityTypes).toEqual(['products']);
    const customers = connector.catalogue?.read('customers', credentials, context, {
      signal: new AbortController().signal,
    }) as AsyncIterable<CataloguePage>;
    await expect(pagesOf(customers)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(() => connectorWith({ pageSize: 1001 })).toThrow('from 1 to 1000');
  });

  it('pages through the items by offset until a short page, with categories and item stocks expanded', async () => {
    const generated = cloverGeneratedCatalogue(250);
    const { requests, read } = await connected({ catalogue: generated }, 100);
    const pages = await pagesOf(read());

    expect(pages.map((page) => page.rows.length)).toEqual([100, 100, 50]);
    expect(rowsOf(pages).map((row) => row.ref)).toEqual(generated.items.map((item) => item.id));
    const [merchant, ...itemPages] = requests;
    expect(merchant?.url.pathname).toBe(`/v3/merchants/${CLOVER_MERCHANT_ID}`);
    expect(merchant?.url.searchParams.get('expand')).toBe('properties');
    expect(itemPages.map(({ url }) => Object.fromEntries(url.searchParams))).toEqual(
      [0, 100, 200].map((offset) => ({ expand: 'categories,itemStock', limit: '100', offset: String(offset) })),
    );
    expect(requests.every((request) => request.authorization?.startsWith('Bearer clv_at'))).toBe(true);
  });

  it('asks once more when the catalogue fills the last page exactly, and uses 1000 items a page by default', async () => {
    const { requests, read } = await connected({ catalogue: cloverGeneratedCatalogue(4) }, 2);
    expect(rowsOf(await pagesOf(read()))).toHaveLength(4);
    expect(requests.slice(1).map(({ url }) => url.searchParams.get('offset'))).toEqual(['0', '2', '4']);

    const byDefault = await connected({ catalogue: cloverGeneratedCatalogue(3) });
    await pagesOf(byDefault.read());
    expect(byDefault.requests[1]?.url.searchParams.get('limit')).toBe('1000');
  });

  it('maps every field of the demo inventory, leaving out what Clover does not report', async () => {
    const { read } = await connected();
    const rows = rowsOf(await pagesOf(read()));
    expect(rows).toEqual([
      {
        ref: '9J1F7WW503CZW',
        fields: { sku: 'COF-ESP', name: 'Espresso', price: '3.00', currency: 'USD', category: 'Coffee' },
      },
      {
        ref: 'AK5ESN5YR8YWY',
        fields: { sku: 'COF-CAP', name: 'Cappuccino', price: '4.25', currency: 'USD', category: 'Coffee' },
      },
      {
        ref: 'Z0EPYQ2R5TQ5Y',
        fields: { sku: 'COF-OAT', name: 'Oat Latte', price: '4.95', currency: 'USD', category: 'Coffee' },
      },
      {
        ref: 'H7QK2M9VB3XTR',
        fields: { sku: 'COF-CBR', name: 'Cold Brew', price: '4.50', currency: 'USD', category: 'Coffee', stock: '18' },
      },
      {
        ref: 'B4KD8N2PX6WQE',
        fields: {
          sku: 'BAK-CRO',
          name: 'Butter Croissant',
          price: '3.75',
          currency: 'USD',
          category: 'Bakery',
          stock: '24',
          barcode: '0123456789012',
        },
      },
      // A counted zero is a count: it is written.
      {
        ref: 'M2RT6Y8HJ4KZP',
        fields: {
          sku: 'BAK-MUF',
          name: 'Blueberry Muffin',
          price: '3.50',
          currency: 'USD',
          category: 'Bakery',
          stock: '0',
        },
      },
      {
        ref: 'Q9WS3E5RD7TGY',
        fields: {
          sku: 'BAK-SDL',
          name: 'Sourdough Loaf',
          price: '8.50',
          currency: 'USD',
          category: 'Bakery',
          stock: '6',
        },
      },
      // No SKU at Clover: named after the item's id, which renames do not change.
      {
        ref: 'C8VN1B3MX5ZKA',
        fields: {
          sku: 'clover-C8VN1B3MX5ZKA',
          name: 'Cinnamon Roll',
          price: '4.00',
          currency: 'USD',
          category: 'Bakery',
          stock: '9',
        },
      },
      // Two categories: the first one Clover lists.
      {
        ref: 'W6PF4G2HK8JRT',
        fields: {
          sku: 'RET-HB12',
          name: 'House Blend Beans 12 oz',
          price: '16.00',
          currency: 'USD',
          category: 'Retail',
          stock: '31',
          barcode: '0850001234561',
        },
      },
      // Hidden from the Register app, still in the inventory.
      {
        ref: 'T3YX7C9VB1NMQ',
        fields: {
          sku: 'RET-MUG',
          name: 'Demo Bakery Mug',
          price: '14.00',
          currency: 'USD',
          category: 'Retail',
          stock: '12',
        },
      },
      // A price per pound, and 12.5 lb in stock: not a whole count, so the stored count stays.
      {
        ref: 'P5LK9J7HG3FDS',
        fields: {
          sku: 'RET-BULK',
          name: 'Coffee Beans by Weight',
          price: '18.99',
          currency: 'USD',
          category: 'Retail',
        },
      },
      // The variable-price cake order is priced at the register: not imported.
    ]);
  });

  it('prices in the merchant’s currency, read once per import, also from its properties', async () => {
    const one = cloverGeneratedCatalogue(1);
    for (const item of one.items) item.price = 480;
    const yen = await connected({ merchant: cloverMerchant({ defaultCurrency: 'JPY' }), catalogue: one });
    const [row] = rowsOf(await pagesOf(yen.read()));
    expect(row?.fields).toMatchObject({ price: '480', currency: 'JPY' });

    const fromProperties = await connected({ catalogue: cloverGeneratedCatalogue(1) });
    mock.use(
      http.get(`${CLOVER_API}/v3/merchants/${CLOVER_MERCHANT_ID}`, () =>
        HttpResponse.json({ id: CLOVER_MERCHANT_ID, properties: { defaultCurrency: 'eur' } }),
      ),
    );
    const [euro] = rowsOf(await pagesOf(fromProperties.read()));
    expect(euro?.fields.currency).toBe('EUR');

    const without = await connected();
    mock.use(
      http.get(`${CLOVER_API}/v3/merchants/${CLOVER_MERCHANT_ID}`, () => HttpResponse.json({ id: CLOVER_MERCHANT_ID })),
    );
    await expect(pagesOf(without.read())).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: 'Clover sent an answer that could not be read.',
    });
  });

  it('leaves out items Clover deleted, in its listing or marked deleted', async () => {
    const { sim, read } = await connected();
    sim.inventory.remove('9J1F7WW503CZW');
    const refs = rowsOf(await pagesOf(read())).map((row) => row.ref);
    expect(refs).not.toContain('9J1F7WW503CZW');
    expect(refs).toHaveLength(10);

    const base = { id: 'X', name: 'Gone', price: 100, priceType: 'FIXED' };
    expect(productRow({ ...base, deleted: true }, 'USD')).toBeNull();
    expect(productRow({ ...base, deletedTime: 1_767_000_000_000 }, 'USD')).toBeNull();
    expect(productRow({ ...base, deleted: false }, 'USD')?.ref).toBe('X');
  });

  it('waits out a 429 for its Retry-After and carries on with the same page', async () => {
    const { sim, requests, read } = await connected({ catalogue: cloverGeneratedCatalogue(5) }, 2);
    const pages = read()[Symbol.asyncIterator]();
    await pages.next();
    sim.inventory.rateLimit(1, '1');
    const rest: CataloguePage[] = [];
    for (let next = await pages.next(); !next.done; next = await pages.next()) rest.push(next.value);

    expect(rowsOf(rest)).toHaveLength(3);
    const offsets = requests.slice(1).map(({ url }) => url.searchParams.get('offset'));
    expect(offsets).toEqual(['0', '2', '2', '4']);
    const [limited, retried] = requests.slice(2, 4);
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('maps a refused token, an outage and a timeout through the connector’s error table', async () => {
    const refused = await connected();
    refused.sim.revokeAccessTokens();
    const error = await pagesOf(refused.read()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IntegrationError);
    expect(error).toMatchObject({
      code: 'CLOVER_TOKEN_EXPIRED',
      needsReconnect: true,
      details: { clover_status: 401 },
    });

    const outage = await connected({ catalogue: cloverGeneratedCatalogue(5) }, 2);
    outage.sim.inventory.failAfterPages(1);
    const seen: CataloguePage[] = [];
    const failure = await (async () => {
      for await (const page of outage.read()) seen.push(page);
    })().catch((caught: unknown) => caught);
    expect(seen).toHaveLength(1);
    expect(failure).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: 'Clover is unavailable (HTTP 503). Try again shortly.',
    });
    // Three attempts at the second page, then the import fails.
    expect(outage.requests.slice(1).map(({ url }) => url.searchParams.get('offset'))).toEqual(['0', '2', '2', '2']);
    for (const token of Object.values(outage.credentials.secret)) expect(JSON.stringify(failure)).not.toContain(token);

    const rejected = await connected();
    mock.use(http.get(ITEMS, () => HttpResponse.json({ message: 'Bad Request' }, { status: 400 })));
    await expect(pagesOf(rejected.read())).rejects.toMatchObject({ code: 'CLOVER_REQUEST_REJECTED' });
  });

  it('stops when the import is aborted, between pages and during a request', async () => {
    const between = await connected({ catalogue: cloverGeneratedCatalogue(10) }, 2);
    const controller = new AbortController();
    const seen: CataloguePage[] = [];
    for await (const page of between.read(controller.signal)) {
      seen.push(page);
      controller.abort();
    }
    expect(seen).toHaveLength(1);
    expect(between.requests).toHaveLength(2);

    const during = await connected();
    const stopping = new AbortController();
    mock.use(
      http.get(ITEMS, async () => {
        stopping.abort();
        await delay(5_000);
        return HttpResponse.json({ elements: [] });
      }),
    );
    expect(await pagesOf(during.read(stopping.signal))).toEqual([]);
    expect(during.requests).toHaveLength(2);
  });
});
