/**
 * A Shopify export whose descriptions are real storefront HTML and whose handles are not Latin,
 * uploaded over HTTP: the POS stores plain text and readable SKUs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

const HEADER = 'Handle,Title,Body (HTML),Type,Option1 Name,Option1 Value,Variant SKU,Variant Price';
const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
const row = (cells: string[]) => cells.map(quote).join(',');

const BODY =
  '<style>.promo { color: red }</style><h2>Cr&egrave;me br&ucirc;l&eacute;e set</h2>\n' +
  '<p>Four ramekins &amp; a torch&nbsp;&mdash; &#8364;5 off.<br>Oven safe to 260&#xB0;C.</p>' +
  '<ul><li>Porcelain</li><li>Dishwasher safe</li></ul>' +
  '<script>window.dataLayer.push({ event: "view_item" })</script>';

const file = [
  HEADER,
  row(['creme-brulee-set', 'Crème brûlée set', BODY, 'Kitchen', 'Size', 'Small', '', '24.00']),
  row(['creme-brulee-set', '', '', '', '', 'Large', '', '30.00']),
  row([
    'классическая-футболка',
    'Классическая футболка',
    '<p>Хлопок&nbsp;100&nbsp;%</p>',
    'Одежда',
    'Цвет',
    'Синий',
    '',
    '15.00',
  ]),
  row(['ελληνικό-τσάι', 'Ελληνικό τσάι', 'Βουνό', 'Τσάι', 'Title', 'Default Title', '', '7.50']),
  row(['经典茶杯', '经典茶杯', '&lt;b&gt;not bold&lt;/b&gt;', '', 'Title', 'Default Title', '', '9.00']),
  row(['🎁', 'Gift', '', '', 'Title', 'Default Title', '', '1.00']),
].join('\r\n');

describe('Shopify export with HTML descriptions and non-Latin handles, over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('stores descriptions as plain text and derives transliterated SKUs', async () => {
    const form = new FormData();
    form.append('file', new Blob([file], { type: 'text/csv' }), 'products_export.csv');
    form.append('entity_type', 'products');
    const uploaded = await server.as('tenant-a')<{ id: string }>('POST', '/api/data-manager/upload', { form });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ status: 'completed', preset: 'shopify', record_count: 6 });

    const rows = server.storage.database
      .prepare('select sku, name, description from products where batch_id = ? order by id')
      .all(uploaded.body.id);
    const cremeBrulee =
      'Crème brûlée set\nFour ramekins & a torch — €5 off.\nOven safe to 260°C.\nPorcelain\nDishwasher safe';
    expect(rows).toEqual([
      { sku: 'creme-brulee-set-small', name: 'Crème brûlée set - Small', description: cremeBrulee },
      { sku: 'creme-brulee-set-large', name: 'Crème brûlée set - Large', description: cremeBrulee },
      {
        sku: 'klassicheskaya-futbolka-siniy',
        name: 'Классическая футболка - Синий',
        description: 'Хлопок 100 %',
      },
      { sku: 'elliniko-tsai', name: 'Ελληνικό τσάι', description: 'Βουνό' },
      { sku: 'jing-dian-cha-bei', name: '经典茶杯', description: '<b>not bold</b>' },
      { sku: expect.stringMatching(/^[0-9a-f]{8}$/), name: 'Gift', description: null },
    ]);
  });
});
