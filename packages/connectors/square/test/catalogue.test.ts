import { type CatalogueRow, IntegrationError } from '@pos/integrations-core/connector';
import {
  createSquareSimulator,
  generatedSquareCatalogue,
  inStock,
  mswHandlers,
  SQUARE_LOCATION_ID,
  SQUARE_PRODUCTION,
  type SquareCatalogueContent,
  type SquareSimulator,
  squareCafeCatalogue,
  squareCategory,
  squareErrorBody,
  squareItem,
  useProviderMock,
} from '@pos/test-support';
import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { square } from '../src/index.js';
import { context, credentials } from './fixtures.js';

const mock = useProviderMock();
// Waits up to 2 s, so Square's Retry-After: 1 is waited out and longer asks are not.
const retry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2_000 };

/** Each request the simulated Square answered, as `METHOD /path`. */
let requests: string[] = [];
let sim: SquareSimulator;

function simulate(catalogue?: SquareCatalogueContent) {
  // Square's search `limit` is advisory: pages of at most 100 make a small catalogue span several.
  sim = createSquareSimulator({ ...(catalogue ? { catalogue } : {}), searchPageSize: 100 });
  const recorded: SquareSimulator = {
    ...sim,
    handle: (request) => {
      requests.push(`${request.method} ${request.path}`);
      return sim.handle(request);
    },
  };
  mock.resetHandlers(...mswHandlers(recorded, SQUARE_PRODUCTION));
}

beforeEach(() => {
  requests = [];
  simulate();
});

async function readAll(entityType: string, signal = new AbortController().signal) {
  const pages: Array<{ rows: readonly CatalogueRow[]; total?: number }> = [];
  const catalogue = square({ retry }).catalogue;
  if (!catalogue) throw new Error('Square offers no catalogue');
  for await (const page of catalogue.read(entityType, credentials, context, { signal })) pages.push(page);
  return pages;
}

const rowsOf = (pages: Array<{ rows: readonly CatalogueRow[] }>) => pages.flatMap((page) => page.rows);
const byRef = (rows: CatalogueRow[]) => new Map(rows.map((row) => [row.ref, row.fields]));

describe('Square catalogue: products', () => {
  it('brings in one product per variation offered at the connected location, every field mapped', async () => {
    const rows = byRef(rowsOf(await readAll('products')));
    // Eleven items with 16 variations; the item sold only at another location and the deleted one stay out.
    expect(rows.size).toBe(16);
    expect(rows.has('VRPUMPKIN0000000000000017')).toBe(false);
    expect(rows.has('VRBAGEL00000000000000018')).toBe(false);

    // Several variations: the variation's name joins the item's; drinks made to order have no count.
    expect(rows.get('VRLATTEM00000000000000002')).toEqual({
      sku: 'CAF-LAT-M',
      name: 'Latte - Medium',
      price: '4.25',
      currency: 'USD',
      category: 'Coffee',
      description: 'Double espresso and steamed milk.',
    });
    // One variation: the item's name alone; barcode from the UPC; the IN_STOCK count at this location only.
    expect(rows.get('VRCROISSANT0000000000010')).toEqual({
      sku: 'BAK-CRO',
      name: 'Butter Croissant',
      price: '3.25',
      currency: 'USD',
      category: 'Bakery',
      barcode: '036000291452',
      description: 'Laminated by hand every morning.',
      stock: '24',
    });
    // No SKU at Square: derived from the item and variation names.
    expect(rows.get('VRBISCOTTI0000000000000012')).toMatchObject({ sku: 'almond-biscotti-regular', stock: '12' });
    // A description kept only as HTML comes in as text.
    expect(rows.get('VRCOLDBREW00000000000007')?.description).toBe('Steeped for 18 hours & served over ice.');
    // A count of zero is a count.
    expect(rows.get('VRTEATIN0000000000000016')?.stock).toBe('0');
    expect(rows.get('VRESPRESSO000000000000004')).not.toHaveProperty('stock');
  });

  it('follows the search cursor to the last page and asks for the counts of each page', async () => {
    const generated = generatedSquareCatalogue(250, SQUARE_LOCATION_ID);
    simulate(generated);
    const pages = await readAll('products');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const rows = rowsOf(pages);
    expect(rows.map((row) => row.fields.sku)).toEqual(generated.skus);
    // Every tenth variation has no count and keeps whatever stock is stored.
    expect(rows.filter((row) => row.fields.stock === undefined)).toHaveLength(25);
    const searches = requests.filter((request) => request === 'POST /v2/catalog/search');
    const counts = requests.filter((request) => request === 'POST /v2/inventory/counts/batch-retrieve');
    // One page of categories, then the item pages; one counts call per item page.
    expect(searches).toHaveLength(1 + pages.length);
    expect(counts).toHaveLength(pages.length);
  });

  it('rounds a decimal count down, reads legacy and later-page categories, and leaves variable prices out', async () => {
    const objects: SquareCatalogueContent['objects'] = [];
    for (let index = 0; index < 150; index++) {
      objects.push(
        squareItem({
          id: `ITEM${index}`,
          name: `Item ${index}`,
          currency: 'JPY',
          variations: [{ id: `VAR${index}`, name: 'Regular', sku: `JP-${index}`, amount: 500 + index }],
        }),
      );
    }
    const legacy = objects[0];
    if (legacy?.type === 'ITEM') legacy.item_data.category_id = 'CATLATE';
    const variable = squareItem({
      id: 'ITEMVAR',
      name: 'Catering tray',
      currency: 'JPY',
      variations: [{ id: 'VARVAR', name: 'Regular', sku: 'JP-TRAY' }],
    });
    // The category comes after every item in the catalogue's order, and the items span two pages.
    simulate({
      objects: [...objects, variable, squareCategory('CATLATE', 'Wagashi')],
      counts: [inStock('VAR0', SQUARE_LOCATION_ID, '2.5'), inStock('VAR1', SQUARE_LOCATION_ID, '-1.25')],
      customers: [],
    });
    const rows = byRef(rowsOf(await readAll('products')));
    expect(rows.get('VAR0')).toMatchObject({ price: '500', currency: 'JPY', category: 'Wagashi', stock: '2' });
    expect(rows.get('VAR1')?.stock).toBe('-2');
    expect(rows.get('VARVAR')).toEqual({ sku: 'JP-TRAY', name: 'Catering tray' });
  });

  it("waits out Square's Retry-After on 429 and carries on", async () => {
    simulate(generatedSquareCatalogue(250, SQUARE_LOCATION_ID));
    sim.catalogue.rateLimitOnce();
    const rows = rowsOf(await readAll('products'));
    expect(rows).toHaveLength(250);
    // The category search met the 429 and was asked again.
    expect(requests.slice(0, 2)).toEqual(['POST /v2/catalog/search', 'POST /v2/catalog/search']);
  });

  it('gives up with RATE_LIMITED when Square asks for a longer wait than the policy allows', async () => {
    mock.use(
      http.post(`${SQUARE_PRODUCTION}/v2/catalog/search`, () =>
        HttpResponse.json(squareErrorBody('RATE_LIMIT_ERROR', 'RATE_LIMITED'), {
          status: 429,
          headers: { 'Retry-After': '120' },
        }),
      ),
    );
    await expect(readAll('products')).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfter: 120 });
  });

  it('maps a refused token, a missing permission and an outage through the error table', async () => {
    await expect(
      (async () => {
        const catalogue = square({ retry }).catalogue;
        const wrong = { ...credentials, secret: { access_token: 'EAAAwrongtoken0000000000' } };
        for await (const _ of catalogue?.read('products', wrong, context, { signal: new AbortController().signal }) ??
          []) {
          // reading
        }
      })(),
    ).rejects.toMatchObject({ code: 'SQUARE_INVALID_TOKEN', needsReconnect: true });

    mock.use(
      http.post(`${SQUARE_PRODUCTION}/v2/inventory/counts/batch-retrieve`, () =>
        HttpResponse.json(squareErrorBody('AUTHENTICATION_ERROR', 'INSUFFICIENT_SCOPES'), { status: 403 }),
      ),
    );
    const forbidden = await readAll('products').catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(IntegrationError);
    expect((forbidden as IntegrationError).message).toContain('INVENTORY_READ');

    simulate(generatedSquareCatalogue(250, SQUARE_LOCATION_ID));
    sim.catalogue.failLaterPages();
    requests = [];
    const pages: unknown[] = [];
    const outage = await (async () => {
      for await (const page of square({ retry }).catalogue?.read('products', credentials, context, {
        signal: new AbortController().signal,
      }) ?? [])
        pages.push(page);
    })().catch((error: unknown) => error);
    expect(outage).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    // The first page came, the second was tried as often as the policy allows.
    expect(pages).toHaveLength(1);
    expect(requests.filter((request) => request === 'POST /v2/catalog/search')).toHaveLength(2 + retry.attempts);
  });

  it('stops when the batch is stopped, with the batch’s reason, and asks Square for nothing more', async () => {
    simulate(generatedSquareCatalogue(250, SQUARE_LOCATION_ID));
    const controller = new AbortController();
    const reason = new IntegrationError('BATCH_FAILED', 'The server is stopping.');
    const catalogue = square({ retry }).catalogue;
    const pages = catalogue?.read('products', credentials, context, { signal: controller.signal });
    const iterator = pages?.[Symbol.asyncIterator]();
    await expect(iterator?.next()).resolves.toMatchObject({ done: false });
    const asked = requests.length;
    controller.abort(reason);
    await expect(iterator?.next()).rejects.toBe(reason);
    // At most the page read ahead before the stop; nothing after it.
    expect(requests.length).toBeLessThanOrEqual(asked + 1);
    expect(requests.slice(asked).every((request) => request === 'POST /v2/catalog/search')).toBe(true);
  });
});

describe('Square catalogue: customers', () => {
  it('brings in every customer with its id, name, contact and address, and the total Square counts', async () => {
    const pages = await readAll('customers');
    expect(pages[0]?.total).toBe(4);
    const rows = byRef(rowsOf(pages));
    expect(rows.get('JDKYHBWT1D4F8MFH63DBMEN8Y4')).toEqual({
      id: 'JDKYHBWT1D4F8MFH63DBMEN8Y4',
      name: 'Amelia Earhart',
      email: 'amelia.earhart@example.com',
      phone: '+1-212-555-4240',
      address_line1: '500 Electric Ave',
      city: 'New York',
      region: 'NY',
      postal_code: '10003',
      country: 'US',
    });
    // Known only by a company: the company names them.
    expect(rows.get('R4Q2WZ8XVJ3K9N5P7T6Y1M0B2C')).toMatchObject({
      name: 'Springfield Printing Co.',
      company: 'Springfield Printing Co.',
    });
    expect(rows.get('A9641GZW2H7Z56YYSD41Q12HDC')).not.toHaveProperty('address_line1');
  });

  it('pages through more customers than one page holds', async () => {
    const customers = Array.from({ length: 230 }, (_, index) => ({
      id: `CUST${index}`,
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      version: 1,
      given_name: `Guest ${index}`,
      email_address: `guest${index}@example.com`,
    }));
    simulate({ ...squareCafeCatalogue(SQUARE_LOCATION_ID), customers });
    const pages = await readAll('customers');
    expect(pages).toHaveLength(3);
    expect(rowsOf(pages).map((row) => row.ref)).toEqual(customers.map((customer) => customer.id));
  });

  it('refuses an entity type Square does not supply', () => {
    const catalogue = square().catalogue;
    expect(() =>
      catalogue?.read('invoices', credentials, context, { signal: new AbortController().signal }),
    ).toThrowError(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
