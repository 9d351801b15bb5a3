import { type OutboundResolver, silentLogger, systemClock } from '@pos/integrations-core';
import { type CataloguePage, createOutboundGuard, derivedSku } from '@pos/integrations-core/connector';
import {
  createWooCommerceCatalogue,
  useProviderMock,
  WOOCOMMERCE_CONSUMER_KEY,
  WOOCOMMERCE_CONSUMER_SECRET,
  WOOCOMMERCE_STORE,
  wooCommerceDemoCatalogue,
  wooCommerceGeneratedCatalogue,
  wooCommerceHandlers,
} from '@pos/test-support';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { wooCommerce, wooCommerceCredentialsSchema } from '../src/index.js';

const lookup: OutboundResolver = async () => [{ address: '93.184.215.14', family: 4 }];
const outbound = createOutboundGuard({ lookup });
afterAll(() => outbound.close());
const context = { tenantId: 'tenant-a', clock: systemClock, logger: silentLogger, outbound };
const retry = { attempts: 2, baseDelayMs: 1, maxDelayMs: 2_000 };
const connector = wooCommerce({ retry });
const catalogueOf = (of = connector) => {
  if (!of.catalogue) throw new Error('the WooCommerce connector offers a catalogue');
  return of.catalogue;
};

const mock = useProviderMock();
afterEach(() => mock.events.removeAllListeners());
/** Every request the store saw, as `path?query`. */
function recording() {
  const seen: string[] = [];
  mock.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    seen.push(`${url.pathname}${url.search}`);
  });
  return seen;
}

const input = { consumer_key: WOOCOMMERCE_CONSUMER_KEY, consumer_secret: WOOCOMMERCE_CONSUMER_SECRET };
const credentials = (consumer_secret = WOOCOMMERCE_CONSUMER_SECRET) => {
  const parsed = wooCommerceCredentialsSchema.parse({ store_url: WOOCOMMERCE_STORE, ...input, consumer_secret });
  return {
    secret: { consumer_key: parsed.consumer_key, consumer_secret: parsed.consumer_secret },
    publicData: { store_url: parsed.store_url, store_name: 'Corner Café Shop', consumer_key_masked: 'ck_...7c8b' },
  };
};

function readAll(entityType: string, of = connector) {
  return drain(catalogueOf(of).read(entityType, credentials(), context, { signal: new AbortController().signal }));
}
const rowsOf = (pages: CataloguePage[]) => pages.flatMap((page) => page.rows);
async function drain(pages: AsyncIterable<CataloguePage>) {
  const read: CataloguePage[] = [];
  for await (const page of pages) read.push(page);
  return read;
}

describe('products', () => {
  it('turns published products into rows: variations each a row, regular prices, first category, counted stock, text descriptions', async () => {
    const store = wooCommerceDemoCatalogue();
    mock.use(...wooCommerceHandlers(WOOCOMMERCE_STORE, { ...store, store: { currency: 'USD' } }));
    const seen = recording();
    const pages = await readAll('products');
    const rows = rowsOf(pages);
    const byRef = new Map(rows.map((row) => [row.ref, row.fields]));

    // 214 is a draft, 215 a grouped kit (its products are listed themselves), 304 a disabled variation.
    expect(rows.map((row) => row.ref)).toEqual([
      '301',
      '302',
      '303',
      ...['202', '203', '204', '205', '206', '207', '208', '209', '210', '211', '212', '213'],
    ]);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.total).toBe(15);
    expect(byRef.get('301')).toEqual({
      sku: 'HOUSE-250-WB',
      name: 'House blend coffee beans - 250 g, Whole bean',
      price: '14.00',
      currency: 'USD',
      category: 'Coffee',
      stock: '18',
      description: 'Our house blend: milk chocolate, hazelnut and a little cherry.\nRoasted every Monday\nMedium roast',
    });
    // Shown with its product's SKU, which is not its own: derived like the CSV preset derives it.
    expect(byRef.get('302')).toEqual({
      sku: derivedSku(['HOUSE', '250 g', 'Espresso']),
      name: 'House blend coffee beans - 250 g, Espresso',
      price: '14.00',
      currency: 'USD',
      category: 'Coffee',
      description: 'Ground fine for espresso machines.',
    });
    expect(byRef.get('302')?.sku).toBe('house-250-g-espresso');
    // On sale at 38.00: the regular price is imported.
    expect(byRef.get('303')).toMatchObject({
      sku: 'HOUSE-1KG-WB',
      price: '42.00',
      barcode: '4012345000017',
      stock: '6',
    });
    expect(byRef.get('202')).toMatchObject({
      sku: 'SO-ETH-250',
      barcode: '4006381333931',
      description: 'Single origin, washed. Jasmine, bergamot & lemon.',
    });
    expect(byRef.get('204')).toMatchObject({ description: 'Black tea with bergamot oil.' });
    expect(byRef.get('205')).toMatchObject({
      price: '18.00',
      description: 'Stone-ground in Uji.\nWhisk with water at 80 °C.',
    });
    expect(byRef.get('206')).toMatchObject({ category: 'Mugs & Cups' });
    expect(byRef.get('207')).toMatchObject({ stock: '0' });
    expect(byRef.get('208')).toMatchObject({ description: 'Gooseneck\n0.9 l – for a steady, slow pour.' });
    expect(byRef.get('210')).toMatchObject({ stock: '-2', description: 'Steel burrs, 40 click settings.' });
    // Stock not counted by WooCommerce: left out, so the stored count stays.
    expect(byRef.get('211')).toEqual({
      sku: 'GIFT-25',
      name: 'Gift card $25',
      price: '25.00',
      currency: 'USD',
      category: 'Gifts',
    });
    expect(byRef.get('212')).toMatchObject({ sku: 'woo-212', name: 'Canvas tote bag' });

    expect(seen).toEqual([
      '/wp-json/wc/v3/settings/general',
      '/wp-json/wc/v3/products?status=publish&orderby=id&order=asc&per_page=100&page=1',
      '/wp-json/wc/v3/products/201/variations?status=publish&orderby=id&order=asc&per_page=100&page=1',
    ]);
  });

  it("leaves stock out for a variation whose product counts stock for all of them (manage_stock 'parent')", async () => {
    const { products, variations } = wooCommerceDemoCatalogue();
    const shared = products.map((product) =>
      product.id === 201 ? { ...product, manage_stock: true, stock_quantity: 50 } : product,
    );
    mock.use(...wooCommerceHandlers(WOOCOMMERCE_STORE, { products: shared, variations }));
    const byRef = new Map(rowsOf(await readAll('products')).map((row) => [row.ref, row.fields]));
    expect(byRef.get('301')?.stock).toBe('18');
    expect(byRef.get('302')).not.toHaveProperty('stock');
  });

  it('follows X-WP-TotalPages through a large store, variations included, in id order', async () => {
    const generated = wooCommerceGeneratedCatalogue(250);
    mock.use(...wooCommerceHandlers(WOOCOMMERCE_STORE, generated.content));
    const seen = recording();
    const pages = await readAll('products');
    expect(rowsOf(pages).map((row) => row.fields.sku)).toEqual(generated.skus);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.at(-1)?.total).toBe(250);
    const productPages = seen.filter((path) => path.startsWith('/wp-json/wc/v3/products?'));
    expect(productPages.map((path) => new URL(path, WOOCOMMERCE_STORE).searchParams.get('page'))).toEqual([
      '1',
      '2',
      '3',
    ]);
    // The store's currency (GBP by default) on every row.
    expect(new Set(rowsOf(pages).map((row) => row.fields.currency))).toEqual(new Set(['GBP']));
  });

  it('reads the currency from the system status when the general settings do not say', async () => {
    mock.use(
      http.get(`${WOOCOMMERCE_STORE}/wp-json/wc/v3/settings/general`, () => HttpResponse.json([])),
      ...wooCommerceHandlers(WOOCOMMERCE_STORE, { store: { currency: 'EUR' } }),
    );
    const rows = rowsOf(await readAll('products'));
    expect(rows.map((row) => row.fields.currency)).toEqual(['EUR', 'EUR', 'EUR', 'EUR']);
  });

  it('waits out a 429 as Retry-After asks and carries on', async () => {
    const catalogue = createWooCommerceCatalogue(wooCommerceGeneratedCatalogue(150).content);
    mock.use(...wooCommerceHandlers(WOOCOMMERCE_STORE, { catalogue }));
    const seen = recording();
    const pages: CataloguePage[] = [];
    const signal = new AbortController().signal;
    let waited = 0;
    for await (const page of catalogueOf().read('products', credentials(), context, { signal })) {
      pages.push(page);
      if (pages.length === 1) {
        catalogue.rateLimitOnce();
        waited = Date.now();
      }
    }
    waited = Date.now() - waited;
    expect(rowsOf(pages)).toHaveLength(150);
    const second = seen.filter((path) => path.endsWith('&page=2') && path.includes('/products?'));
    expect(second).toHaveLength(2);
    expect(waited).toBeGreaterThanOrEqual(950);
  });

  it('gives up on a Retry-After longer than the policy allows: RATE_LIMITED with the wait', async () => {
    mock.use(
      http.get(`${WOOCOMMERCE_STORE}/wp-json/wc/v3/products`, () =>
        HttpResponse.json({}, { status: 429, headers: { 'retry-after': '120' } }),
      ),
      ...wooCommerceHandlers(),
    );
    await expect(readAll('products', wooCommerce())).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 120,
    });
  });

  it('maps a refused key and an outage mid-import through the error table', async () => {
    mock.use(...wooCommerceHandlers());
    const wrong = 'cs_1111111111111111111111111111111111111111';
    const refused = catalogueOf().read('products', credentials(wrong), context, {
      signal: new AbortController().signal,
    });
    const error = await drain(refused).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ code: 'WOOCOMMERCE_INVALID_KEYS', needsReconnect: true });
    expect(String((error as Error).message)).not.toContain(wrong);

    const catalogue = createWooCommerceCatalogue(wooCommerceGeneratedCatalogue(250).content);
    mock.resetHandlers(...wooCommerceHandlers(WOOCOMMERCE_STORE, { catalogue }));
    catalogue.failAfterFirstPage();
    const pages: CataloguePage[] = [];
    const failed = (async () => {
      for await (const page of catalogueOf().read('products', credentials(), context, {
        signal: new AbortController().signal,
      })) {
        pages.push(page);
      }
    })();
    await expect(failed).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: 'WooCommerce is unavailable (HTTP 503). Try again shortly.',
    });
    expect(pages).toHaveLength(1);
  });

  it('answers a store whose catalogue is not a list with WOOCOMMERCE_NOT_FOUND', async () => {
    mock.use(
      http.get(`${WOOCOMMERCE_STORE}/wp-json/wc/v3/products`, () => HttpResponse.json({ products: [] })),
      ...wooCommerceHandlers(),
    );
    await expect(readAll('products')).rejects.toMatchObject({ code: 'WOOCOMMERCE_NOT_FOUND' });
  });

  it('stops calling the store once the import is aborted', async () => {
    mock.use(...wooCommerceHandlers(WOOCOMMERCE_STORE, wooCommerceGeneratedCatalogue(250).content));
    const seen = recording();
    const controller = new AbortController();
    const pages: CataloguePage[] = [];
    const reading = (async () => {
      for await (const page of catalogueOf().read('products', credentials(), context, { signal: controller.signal })) {
        pages.push(page);
        controller.abort(new Error('the batch stopped'));
      }
    })();
    await expect(reading).rejects.toThrow('the batch stopped');
    expect(pages).toHaveLength(1);
    expect(seen.filter((path) => path.includes('/products?'))).toHaveLength(1);
  });
});

describe('customers', () => {
  it("reads registered customers with the billing address's phone, company and address", async () => {
    const { customers } = wooCommerceDemoCatalogue();
    mock.use(...wooCommerceHandlers(WOOCOMMERCE_STORE, { customers }));
    const seen = recording();
    const pages = await readAll('customers');
    expect(pages.map((page) => page.total)).toEqual([4]);
    expect(rowsOf(pages)).toEqual([
      {
        ref: '11',
        fields: {
          id: '11',
          name: 'Ada Lovelace',
          email: 'ada.lovelace@example.com',
          phone: '+44 20 7946 0001',
          address_line1: '12 St James Square',
          city: 'London',
          postal_code: 'SW1Y 4JH',
          country: 'GB',
        },
      },
      {
        ref: '12',
        fields: {
          id: '12',
          name: 'Grace Hopper',
          email: 'grace@hopper.example',
          phone: '(703) 555-0142',
          company: 'Hopper Roasters LLC',
          address_line1: '100 Main St, Suite 4',
          city: 'Arlington',
          region: 'VA',
          postal_code: '22201',
          country: 'US',
        },
      },
      // No account name: the billing name, else the user name.
      { ref: '13', fields: { id: '13', name: 'Kenji Sato', email: 'kenji@example.jp', city: 'Kyoto', country: 'JP' } },
      { ref: '14', fields: { id: '14', name: 'mo_regular', email: 'mo@example.org' } },
    ]);
    expect(seen).toEqual(['/wp-json/wc/v3/customers?orderby=id&order=asc&per_page=100&page=1']);
  });

  it('offers products and customers, nothing else', () => {
    expect(catalogueOf().entityTypes).toEqual(['products', 'customers']);
    expect(() =>
      catalogueOf().read('orders', credentials(), context, { signal: new AbortController().signal }),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
