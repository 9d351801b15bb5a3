import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createWooCommerceCatalogue,
  createWooCommerceSimulator,
  nodeListener,
  WOOCOMMERCE_CONSUMER_KEY,
  WOOCOMMERCE_CONSUMER_SECRET,
  wooCommerceDemoCatalogue,
  wooCommerceGeneratedCatalogue,
} from '@pos/simulators';
import { afterAll, describe, expect, it } from 'vitest';

const BASIC = `Basic ${Buffer.from(`${WOOCOMMERCE_CONSUMER_KEY}:${WOOCOMMERCE_CONSUMER_SECRET}`).toString('base64')}`;
const servers: Array<ReturnType<typeof createServer>> = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** The simulated store on a real port, as demo mode serves it. */
async function serve(catalogue: ReturnType<typeof createWooCommerceCatalogue>) {
  const server = createServer(nodeListener(createWooCommerceSimulator({ catalogue })));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (path: string) => {
    const response = await fetch(`${base}/wp-json/wc/v3${path}`, { headers: { authorization: BASIC } });
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  };
}
const idsOf = (body: unknown) => (body as Array<{ id: number }>).map(({ id }) => id);

describe('the simulated WooCommerce catalogue', () => {
  it('pages products as WordPress does: totals, Link, a page past the last one refused', async () => {
    const get = await serve(createWooCommerceCatalogue(wooCommerceGeneratedCatalogue(250).content));
    const first = await get('/products?status=publish&orderby=id&order=asc&per_page=100&page=1');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-wp-total')).toBe('239');
    expect(first.headers.get('x-wp-totalpages')).toBe('3');
    expect(first.headers.get('link')).toContain('page=2>; rel="next"');
    expect(idsOf(first.body)[0]).toBe(1001);
    const past = await get('/products?per_page=100&page=4');
    expect(past).toMatchObject({ status: 400, body: { code: 'rest_post_invalid_page_number' } });
    expect((await get('/products?per_page=101')).body).toMatchObject({ code: 'rest_invalid_param' });
  });

  it('shows a variation without its own SKU with its product SKU, and parent-counted stock as "parent"', async () => {
    const demo = wooCommerceDemoCatalogue();
    const products = demo.products.map((product) =>
      product.id === 201 ? { ...product, manage_stock: true, stock_quantity: 50 } : product,
    );
    const get = await serve(createWooCommerceCatalogue({ ...demo, products }));
    const { body } = await get('/products/201/variations?status=publish&orderby=id&order=asc');
    expect(body).toMatchObject([
      { id: 301, sku: 'HOUSE-250-WB', manage_stock: true, stock_quantity: 18 },
      { id: 302, sku: 'HOUSE', manage_stock: 'parent', stock_quantity: 50 },
      { id: 303, sku: 'HOUSE-1KG-WB' },
    ]);
    expect((await get('/products/201')).body).toMatchObject({ variations: [301, 302, 303, 304] });
  });

  it('moves a deleted product to the trash, out of every list, and reprices products', async () => {
    const catalogue = createWooCommerceCatalogue(wooCommerceGeneratedCatalogue(5).content);
    const get = await serve(catalogue);
    const trashed = catalogue.trash();
    expect(trashed?.sku).toBe('GEN-000005');
    expect(idsOf((await get('/products?per_page=100&orderby=id&order=asc')).body)).toEqual([1001, 1002, 1003, 1004]);
    expect((await get(`/products/${trashed?.id}`)).body).toMatchObject({ status: 'trash' });
    const [repriced] = catalogue.reprice(1);
    expect(Number(repriced?.regular_price)).toBe(
      Number(wooCommerceGeneratedCatalogue(5).content.products[0]?.regular_price) + 1,
    );
  });

  it('answers one 429 with Retry-After, and 503 after the first page until up()', async () => {
    const catalogue = createWooCommerceCatalogue(wooCommerceGeneratedCatalogue(250).content);
    const get = await serve(catalogue);
    catalogue.rateLimitOnce();
    const limited = await get('/products?per_page=100');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await get('/products?per_page=100')).status).toBe(200);
    catalogue.failAfterFirstPage();
    expect((await get('/products?per_page=100&page=1')).status).toBe(200);
    expect((await get('/products/1020/variations')).status).toBe(200);
    expect((await get('/products?per_page=100&page=2')).status).toBe(503);
    expect((await get('/products/1020/variations')).status).toBe(503);
    catalogue.up();
    expect((await get('/products?per_page=100&page=2')).status).toBe(200);
  });

  it('generates the same catalogue for the same count', () => {
    const one = wooCommerceGeneratedCatalogue(250);
    expect(one.skus).toHaveLength(250);
    expect(new Set(one.skus).size).toBe(250);
    expect(wooCommerceGeneratedCatalogue(250)).toEqual(one);
  });
});
