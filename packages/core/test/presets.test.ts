import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunked, type DataManagerHarness, startDataManager } from './data-manager-harness.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));

let dm: DataManagerHarness;
beforeAll(async () => {
  dm = await startDataManager();
});
afterAll(() => dm.close());

async function upload(
  tenantId: string,
  file: Buffer | string,
  options: { preset?: string; currency?: string; entityType?: string } = {},
) {
  const run = await dm.batches.upload(tenantId, {
    entityType: options.entityType ?? 'products',
    source: chunked(file, 97), // odd chunks: cells, quotes and emoji are cut everywhere
    ...(options.preset ? { preset: options.preset } : {}),
    ...(options.currency ? { currency: options.currency } : {}),
  });
  return run.done;
}

describe('real export formats', () => {
  it('maps a Shopify export: variants by SKU, derived SKUs, forward-filled rows, image rows skipped', async () => {
    const batch = await upload('shop-a', fixture('shopify-products-export.csv'));
    expect(batch).toMatchObject({ status: 'completed', preset: 'shopify', record_count: 4, processed_count: 5 });
    expect(batch.unknown_columns).toEqual(['Color (product.metafields.shopify.color-pattern)']);
    const description = 'Soft cotton tee, pre-shrunk.\nFits "true to size" 👕';
    expect(dm.rows('products', { batchId: batch.id })).toEqual([
      {
        sku: 'classic-tee-blue-m',
        name: 'Classic Tee - Blue / M',
        price: 1999,
        currency: 'USD',
        category: 'T-Shirts',
        stock: 12,
        barcode: '0012345678905',
        description,
      },
      {
        sku: 'TEE-BLU-L',
        name: 'Classic Tee - Blue / L',
        price: 1999,
        currency: 'USD',
        category: 'T-Shirts',
        stock: 5,
        barcode: null,
        description,
      },
      {
        sku: 'classic-tee-red-m',
        name: 'Classic Tee - Red / M',
        price: 2150,
        currency: 'USD',
        category: 'T-Shirts',
        stock: 0,
        barcode: null,
        description,
      },
      {
        sku: 'MUG-001',
        name: 'Café Mug ☕',
        price: 1200,
        currency: 'USD',
        category: 'Mugs',
        stock: 40,
        barcode: null,
        description: 'Holds 12 oz. Dishwasher & microwave safe.',
      },
    ]);
  });

  it('maps a WooCommerce export: variations inherit from their parent, containers are skipped', async () => {
    const batch = await upload('shop-b', fixture('woocommerce-products-export.csv'), { currency: 'eur' });
    expect(batch).toMatchObject({ status: 'completed', preset: 'woocommerce', record_count: 4, processed_count: 5 });
    expect(batch.unknown_columns).toEqual(['Supplier notes']);
    expect(dm.rows('products', { batchId: batch.id })).toEqual([
      {
        sku: 'WOO-BEANIE',
        name: 'Wool Beanie',
        price: 1850,
        currency: 'EUR',
        category: 'Hats',
        stock: 25,
        barcode: null,
        description: 'Hand-knit in Vermont.\nMachine washable.',
      },
      {
        sku: 'woo-hoodie-blue',
        name: 'Hoodie 🧥 - Blue',
        price: 4500,
        currency: 'EUR',
        category: 'Hoodies',
        stock: 3,
        barcode: null,
        description: 'Fleece "premium" hoodie',
      },
      {
        sku: 'WOO-HOODIE-GRN',
        name: 'Hoodie 🧥 - Green',
        price: 4500,
        currency: 'EUR',
        category: 'Hoodies',
        stock: null,
        barcode: '0123456789012',
        description: 'Fleece "premium" hoodie',
      },
      {
        sku: 'woo-30',
        name: '-10% Off Coupon Card',
        price: 2500,
        currency: 'EUR',
        category: 'Gift cards',
        stock: null,
        barcode: null,
        description: null,
      },
    ]);
  });

  it('maps a Square item library export: one product per variation, stock summed over locations', async () => {
    const batch = await upload('shop-c', fixture('square-item-library-export.csv'));
    expect(batch).toMatchObject({ status: 'completed', preset: 'square', record_count: 3, unknown_columns: [] });
    expect(dm.rows('products', { batchId: batch.id })).toEqual([
      {
        sku: 'LAT-S',
        name: 'Latte - Small',
        price: 450,
        currency: 'USD',
        category: 'Espresso Drinks',
        stock: null,
        barcode: null,
        description: 'Espresso, steamed milk',
      },
      {
        sku: 'sq-QJ4E6V3WMOAZ2G7QNNT5T3BY',
        name: 'Latte - Large',
        price: 525,
        currency: 'USD',
        category: 'Espresso Drinks',
        stock: null,
        barcode: null,
        description: 'Espresso, steamed milk',
      },
      {
        sku: 'CRO-1',
        name: 'Croissant',
        price: 375,
        currency: 'USD',
        category: 'Bakery',
        stock: 30,
        barcode: '0614141000036',
        description: 'Butter croissant\nBaked daily 🥐',
      },
    ]);
  });

  it('reads customers in our own format, with quoted commas and doubled quotes', async () => {
    const batch = await upload('shop-a', fixture('customers.csv'), { entityType: 'customers' });
    expect(batch).toMatchObject({ status: 'completed', preset: 'pos', record_count: 3 });
    expect(dm.rows('customers', { batchId: batch.id })).toEqual([
      {
        customer_id: expect.stringMatching(/^[0-9a-f]{16}$/),
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: '+44 20 7946 0000',
        company: 'Analytical Engines, Ltd.',
        address_line1: "12 St James's Sq, Apt 4",
        city: 'London',
        region: null,
        postal_code: 'SW1Y 4JH',
        country: 'GB',
      },
      {
        customer_id: expect.stringMatching(/^[0-9a-f]{16}$/),
        name: 'José "Pepe" Núñez',
        email: 'pepe@example.es',
        phone: null,
        company: null,
        address_line1: 'Calle Mayor 1',
        city: 'Madrid',
        region: 'MD',
        postal_code: '28013',
        country: 'ES',
      },
      {
        customer_id: expect.stringMatching(/^[0-9a-f]{16}$/),
        name: 'Zoë Chen 🌸',
        email: null,
        phone: '555-0100',
        company: null,
        address_line1: null,
        city: null,
        region: null,
        postal_code: null,
        country: null,
      },
    ]);
  });

  it('fails a Square variable-price item with the row and column, and writes nothing', async () => {
    const before = dm.count('products');
    const square = fixture('square-item-library-export.csv').toString();
    const header = square.slice(0, square.indexOf('\r\n')).split(',');
    const cells = header.map((column) =>
      column === 'Token' ? 'GCD1' : column === 'Item Name' ? 'Gift Card' : column === 'Price' ? 'Variable' : '',
    );
    const file = `${square}${cells.join(',')}\r\n`;
    const batch = await upload('shop-c', file);
    expect(batch.status).toBe('failed');
    expect(batch.errors).toEqual([
      { row: 5, column: 'Price', message: 'is "Variable": give the item a fixed price to import it' },
    ]);
    expect(dm.count('products')).toBe(before);
  });

  it('detects our own format, ignores header case, and reports columns it does not know', async () => {
    const batch = await upload('shop-d', 'SKU,Name,Price,Colour\nA-1,Apron,9.5,red\n');
    expect(batch).toMatchObject({ status: 'completed', preset: 'pos', unknown_columns: ['Colour'] });
    expect(dm.rows('products', { batchId: batch.id })).toEqual([
      {
        sku: 'A-1',
        name: 'Apron',
        price: 950,
        currency: 'USD',
        category: null,
        stock: null,
        barcode: null,
        description: null,
      },
    ]);
  });

  it('fails a file whose header matches no format, or lacks a required column of the preset it names', async () => {
    const unknown = await upload('shop-d', 'code,title\nA,B\n');
    expect(unknown).toMatchObject({ status: 'failed', error_count: 1 });
    expect(unknown.errors[0]).toMatchObject({ row: 1, column: null });
    expect(unknown.error_message).toMatch(/matches no known format/);
    const missing = await upload('shop-d', 'Handle,Title\nx,y\n', { preset: 'shopify' });
    expect(missing.errors).toEqual([{ row: 1, column: 'Variant Price', message: 'is missing from the header' }]);
    await expect(upload('shop-d', 'sku\n', { preset: 'shopify', entityType: 'customers' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
