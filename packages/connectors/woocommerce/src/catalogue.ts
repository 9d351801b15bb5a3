import {
  type CatalogueCapability,
  type CatalogueRow,
  type ConnectorContext,
  type ConnectorCredentials,
  IntegrationError,
  type RetryPolicy,
} from '@pos/integrations-core/connector';
import { generalCurrency, isObject, systemStatus, total } from './answers.js';
import { customerRow, productRow, refOf, variableProduct, variationRow } from './catalogue-rows.js';
import { wooCommerceErrors } from './errors.js';
import { REST_PATH, type RestRead, type WooAnswer } from './rest.js';
import type { WooCommercePublicData, WooCommerceSecret } from './woocommerce.js';

/** WooCommerce's largest page. */
const PER_PAGE = 100;
/**
 * Published products only: drafts, pending and private products and the trash are not the
 * store's catalogue. In id order, so a product added during the import lands on a later page
 * instead of shifting the pages still to come.
 */
const productsPath = (page: number) =>
  `${REST_PATH}/products?status=publish&orderby=id&order=asc&per_page=${PER_PAGE}&page=${page}`;
/** Enabled variations only (a disabled one is `private`). */
const variationsPath = (product: string) => (page: number) =>
  `${REST_PATH}/products/${encodeURIComponent(product)}/variations?status=publish&orderby=id&order=asc&per_page=${PER_PAGE}&page=${page}`;
/** Registered customers (the `customer` role, WooCommerce's default), in id order. */
const customersPath = (page: number) => `${REST_PATH}/customers?orderby=id&order=asc&per_page=${PER_PAGE}&page=${page}`;
const GENERAL_SETTINGS_PATH = `${REST_PATH}/settings/general`;
const SYSTEM_STATUS_PATH = `${REST_PATH}/system_status`;

/**
 * How an import retries when the connector is given no policy: a store (or its host's firewall)
 * that answers 429 is waited out as its `Retry-After` asks, up to a minute, five times per call.
 */
export const CATALOGUE_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 60_000 };

type Json = Record<string, unknown>;
type Credentials = ConnectorCredentials<WooCommerceSecret, WooCommercePublicData>;
/** One GET below the REST API of the connected store. */
type StoreRead = (path: string) => Promise<WooAnswer>;

/** `X-WP-TotalPages`, or null when the store does not send it. */
function totalPages(answer: WooAnswer): number | null {
  const value = answer.headers.get('x-wp-totalpages');
  return value && /^\d{1,9}$/.test(value) ? Number(value) : null;
}

/**
 * Every page of a collection, to the last one `X-WP-TotalPages` names (or, without it, to the
 * first page shorter than a full one). A page that is not a JSON list is not WooCommerce's.
 */
async function* pages(read: StoreRead, path: (page: number) => string, signal: AbortSignal) {
  for (let page = 1; ; page++) {
    signal.throwIfAborted();
    const answer = await read(path(page));
    if (!Array.isArray(answer.body)) {
      throw wooCommerceErrors.error(
        'WOOCOMMERCE_NOT_FOUND',
        "The store answered a catalogue page, but not as WooCommerce's REST API does. Check the store URL.",
        { details: { http_status: answer.status } },
      );
    }
    const items = answer.body.filter(isObject);
    yield { items, total: total(answer) };
    const last = totalPages(answer);
    if (last !== null ? page >= last : items.length < PER_PAGE) return;
  }
}

/** The store's currency, read once per import: the general settings, else the system status. */
async function storeCurrency(read: StoreRead): Promise<string | null> {
  const settings = generalCurrency((await read(GENERAL_SETTINGS_PATH)).body);
  return settings ?? systemStatus((await read(SYSTEM_STATUS_PATH)).body).currency;
}

/** Every enabled variation of one variable product, as rows. */
async function variationRows(read: StoreRead, product: Json, currency: string | null, signal: AbortSignal) {
  const shared = variableProduct(product);
  const rows: CatalogueRow[] = [];
  for await (const page of pages(read, variationsPath(refOf(product)), signal)) {
    for (const variation of page.items) rows.push(variationRow(shared, variation, currency));
  }
  return rows;
}

/**
 * The published products, a page of products at a time: a simple (or external) product is one
 * row, a variable product one row per enabled variation, a grouped product none (its products
 * are listed themselves). The total is the store's product count with each product seen so far
 * counted as the rows it gave.
 */
async function* productPages(read: StoreRead, signal: AbortSignal) {
  const currency = await storeCurrency(read);
  let adjustment = 0;
  for await (const page of pages(read, productsPath, signal)) {
    const rows: CatalogueRow[] = [];
    for (const product of page.items) {
      const variations = Array.isArray(product.variations) ? product.variations.length : 0;
      const before = rows.length;
      if (variations > 0) rows.push(...(await variationRows(read, product, currency, signal)));
      else if (product.type !== 'grouped' && product.type !== 'variable') rows.push(productRow(product, currency));
      adjustment += rows.length - before - 1;
    }
    yield { rows, ...(page.total !== null ? { total: Math.max(0, page.total + adjustment) } : {}) };
  }
}

async function* customerPages(read: StoreRead, signal: AbortSignal) {
  for await (const page of pages(read, customersPath, signal)) {
    yield { rows: page.items.map(customerRow), ...(page.total !== null ? { total: page.total } : {}) };
  }
}

/**
 * The store's catalogue for the Data Manager: published products (variations as products of
 * their own) and registered customers, through the connector's REST reads (`read`: the outbound
 * guard, its error table, retries honouring `Retry-After`).
 */
export function wooCommerceCatalogue(read: RestRead): CatalogueCapability<WooCommerceSecret, WooCommercePublicData> {
  return {
    entityTypes: ['products', 'customers'],
    read(entityType: string, { secret, publicData }: Credentials, context: ConnectorContext, { signal }) {
      const store: StoreRead = (path) => read(publicData.store_url, path, secret, context, signal);
      if (entityType === 'products') return productPages(store, signal);
      if (entityType === 'customers') return customerPages(store, signal);
      throw new IntegrationError('VALIDATION_FAILED', `WooCommerce has no ${entityType} to import.`, { status: 400 });
    },
  };
}
