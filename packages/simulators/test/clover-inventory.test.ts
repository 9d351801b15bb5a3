import {
  CLOVER_APP_ID,
  CLOVER_APP_SECRET,
  CLOVER_MERCHANT_ID,
  cloverGeneratedCatalogue,
  createCloverSimulator,
} from '@pos/simulators';
import { describe, expect, it } from 'vitest';

const ROOT = 'https://api.clover.test';

/** A simulated Clover and a GET with an access token it issued. */
async function signedIn(options: Parameters<typeof createCloverSimulator>[0] = {}) {
  const clover = createCloverSimulator(options);
  const back = clover.consent(new URL('https://pos.example.com/callback'), null, true);
  const request = (method: string, path: string, headers: Record<string, string> = {}, body = '') => {
    const url = new URL(path, ROOT);
    return clover.simulator.handle({
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: new Headers(headers),
      body,
      root: ROOT,
    });
  };
  const token = await request(
    'POST',
    '/oauth/v2/token',
    {},
    JSON.stringify({ client_id: CLOVER_APP_ID, client_secret: CLOVER_APP_SECRET, code: back.searchParams.get('code') }),
  );
  const { access_token } = JSON.parse(token?.body ?? '{}') as { access_token: string };
  const get = async (path: string, bearer = access_token) => {
    const answer = await request('GET', `/v3/merchants/${CLOVER_MERCHANT_ID}${path}`, {
      authorization: `Bearer ${bearer}`,
    });
    return { status: answer?.status, headers: answer?.headers ?? {}, body: JSON.parse(answer?.body || '{}') };
  };
  return { clover, get };
}

describe('simulated Clover inventory', () => {
  it('pages items by limit and offset: 100 by default, 1000 at most', async () => {
    const { get } = await signedIn({ catalogue: cloverGeneratedCatalogue(1_200) });
    expect((await get('/items')).body.elements).toHaveLength(100);
    expect((await get('/items?limit=5000')).body.elements).toHaveLength(1000);
    const last = await get('/items?limit=1000&offset=1000');
    expect(last.body.elements).toHaveLength(200);
    expect(last.body.elements[0].sku).toBe('CLV-001001');
  });

  it('expands categories and item stocks only when asked, and an item stock only where one exists', async () => {
    const { get } = await signedIn();
    const plain = (await get('/items?limit=3')).body.elements[0];
    expect(plain).not.toHaveProperty('itemStock');
    expect(plain.categories).not.toHaveProperty('elements');
    expect(plain.stockCount).toBe(0);

    const items = (await get('/items?expand=categories,itemStock')).body.elements;
    const espresso = items.find((item: { sku?: string }) => item.sku === 'COF-ESP');
    expect(espresso).not.toHaveProperty('itemStock');
    expect(espresso.categories.elements).toEqual([{ id: 'C0FFEE0CAT001', name: 'Coffee', sortOrder: 0 }]);
    const bulk = items.find((item: { sku?: string }) => item.sku === 'RET-BULK');
    expect(bulk).toMatchObject({ priceType: 'PER_UNIT', unitName: 'lb', itemStock: { quantity: 12.5 } });

    const stocks = (await get('/item_stocks')).body.elements;
    expect(stocks).toHaveLength(items.filter((item: { itemStock?: unknown }) => item.itemStock).length);
    expect((await get('/categories')).body.elements.map((category: { name: string }) => category.name)).toEqual([
      'Coffee',
      'Bakery',
      'Retail',
    ]);
  });

  it('names the merchant’s currency, on the merchant and in its expanded properties', async () => {
    const { get } = await signedIn();
    const merchant = (await get('?expand=properties')).body;
    expect(merchant.defaultCurrency).toBe('USD');
    expect(merchant.properties).toMatchObject({ defaultCurrency: 'USD' });
    expect((await get('')).body.properties).toHaveProperty('href');
  });

  it('drops deleted items from the listing and records edits', async () => {
    const { clover, get } = await signedIn();
    clover.inventory.remove('9J1F7WW503CZW');
    clover.inventory.update('AK5ESN5YR8YWY', { price: 450 });
    const items = (await get('/items')).body.elements;
    expect(items.map((item: { id: string }) => item.id)).not.toContain('9J1F7WW503CZW');
    expect(items.find((item: { id: string }) => item.id === 'AK5ESN5YR8YWY').price).toBe(450);
  });

  it('refuses other tokens, rate limits with Retry-After, and fails after a page until restored', async () => {
    const { clover, get } = await signedIn({ catalogue: cloverGeneratedCatalogue(10) });
    expect((await get('/items', 'clv_at_not_a_token')).status).toBe(401);

    clover.inventory.rateLimit(1, '2');
    const limited = await get('/items');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
    expect((await get('/items')).status).toBe(200);

    clover.inventory.failAfterPages(1);
    expect((await get('/items?limit=5')).status).toBe(200);
    expect((await get('/items?limit=5&offset=5')).status).toBe(503);
    expect((await get('/categories')).status).toBe(503);
    clover.inventory.restore();
    expect((await get('/items?limit=5&offset=5')).status).toBe(200);
  });

  it('generates the same catalogue for the same count and seed', () => {
    expect(cloverGeneratedCatalogue(50)).toEqual(cloverGeneratedCatalogue(50));
    expect(cloverGeneratedCatalogue(50, 2).items[0]?.id).not.toBe(cloverGeneratedCatalogue(50).items[0]?.id);
    expect(new Set(cloverGeneratedCatalogue(2_000).items.map((item) => item.sku)).size).toBe(2_000);
  });
});
