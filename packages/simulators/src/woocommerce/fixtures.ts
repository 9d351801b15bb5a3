/** The store where the msw simulation answers by default. */
export const WOOCOMMERCE_STORE = 'https://shop.example.com';
/** The REST API key (consumer key and secret) the simulator accepts by default. */
export const WOOCOMMERCE_CONSUMER_KEY = 'ck_4f1c9a0b7e2d3c5a6b8f9e0d1c2b3a4f5e6d7c8b';
export const WOOCOMMERCE_CONSUMER_SECRET = 'cs_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d';

/** A product in the shape of WooCommerce's `GET /wp-json/wc/v3/products`. */
export function wooCommerceProduct(id: number, overrides: Record<string, unknown> = {}) {
  return {
    id,
    name: `Product ${id}`,
    slug: `product-${id}`,
    type: 'simple',
    status: 'publish',
    sku: `SKU-${id}`,
    price: '10.00',
    regular_price: '10.00',
    sale_price: '',
    on_sale: false,
    manage_stock: true,
    stock_quantity: 10,
    stock_status: 'instock',
    categories: [],
    images: [],
    attributes: [],
    variations: [],
    date_modified_gmt: '2026-01-15T10:00:00',
    ...overrides,
  };
}

/** A small café's catalogue. */
export function wooCommerceProducts() {
  return [
    wooCommerceProduct(101, { name: 'Espresso beans 1 kg', sku: 'BEANS-1KG', price: '24.00', regular_price: '24.00' }),
    wooCommerceProduct(102, { name: 'Ceramic mug', sku: 'MUG-01', price: '12.50', regular_price: '12.50' }),
    wooCommerceProduct(103, {
      name: 'Gift card',
      sku: 'GIFT-25',
      price: '25.00',
      regular_price: '25.00',
      manage_stock: false,
      stock_quantity: null,
    }),
    wooCommerceProduct(104, {
      name: 'Pour-over kettle',
      sku: 'KETTLE-1',
      price: '39.00',
      regular_price: '45.00',
      sale_price: '39.00',
      on_sale: true,
      stock_quantity: 0,
      stock_status: 'outofstock',
    }),
  ];
}

export interface WooCommerceStore {
  /** The site title (`GET /wp-json`'s `name`). */
  name: string;
  description: string;
  currency: string;
  wcVersion: string;
  wpVersion: string;
}

export function wooCommerceStore(overrides: Partial<WooCommerceStore> = {}): WooCommerceStore {
  return {
    name: 'Corner Café Shop',
    description: 'Coffee, beans and gifts',
    currency: 'GBP',
    wcVersion: '9.8.5',
    wpVersion: '6.8.1',
    ...overrides,
  };
}
