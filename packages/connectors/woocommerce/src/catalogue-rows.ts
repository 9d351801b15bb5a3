import { type CatalogueRow, derivedSku, htmlToText } from '@pos/integrations-core/connector';
import { isObject } from './answers.js';

/**
 * WooCommerce's products, variations and customers (REST API v3) as rows in our own CSV
 * columns, the way the WooCommerce CSV preset reads the same store's export: a product without
 * a SKU is `woo-<id>`, a variation without one is derived from its product's SKU (or
 * `woo-<id>`) and its attribute options, the category is the first category's name, and
 * descriptions are cleaned to text.
 */

type Json = Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** A name or term as text: WordPress stores `&` in term names as `&amp;`. */
const plain = (value: unknown) => htmlToText(text(value));

/** The row's fields without the empty ones: a value the store does not have is left out. */
function present(fields: Record<string, string | null | undefined>): CatalogueRow['fields'] {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

/** The object's id as our `ref`. */
export const refOf = (object: Json) =>
  typeof object.id === 'number' || typeof object.id === 'string' ? String(object.id) : '';

/**
 * The regular price. `price` is the price of the moment: during a sale it is the sale price,
 * which would stay in the POS after the sale ends; the regular price is the one the store
 * returns to, and the one its CSV export's "Regular price" holds. Only when it is empty (a
 * product priced by a plugin) is the current `price` taken.
 */
const priceOf = (object: Json) => text(object.regular_price) || text(object.price);

/**
 * The stock count, only when WooCommerce counts it for this object (`manage_stock` is `true`).
 * A variation whose product counts stock for all its variations says `"parent"`: that count is
 * shared, not the variation's, and is left out like an uncounted one.
 */
function stockOf(object: Json): string | undefined {
  const quantity = object.stock_quantity;
  return object.manage_stock === true && typeof quantity === 'number' && Number.isSafeInteger(quantity)
    ? String(quantity)
    : undefined;
}

/** The first category's name, as the CSV preset takes it from "Categories". */
function categoryOf(product: Json): string {
  const first = Array.isArray(product.categories) ? product.categories[0] : undefined;
  return isObject(first) ? plain(first.name) : '';
}

const describe = (object: Json) => htmlToText(text(object.description) || text(object.short_description));

/** A simple (or external) product: one row. */
export function productRow(product: Json, currency: string | null): CatalogueRow {
  const ref = refOf(product);
  return {
    ref,
    fields: present({
      sku: text(product.sku) || `woo-${ref}`,
      name: plain(product.name),
      price: priceOf(product),
      currency,
      category: categoryOf(product),
      stock: stockOf(product),
      barcode: text(product.global_unique_id),
      description: describe(product),
    }),
  };
}

/** What every variation of one variable product shares, worked out once. */
export interface VariableProduct {
  ref: string;
  sku: string;
  name: string;
  category: string;
  description: string;
}

export function variableProduct(product: Json): VariableProduct {
  return {
    ref: refOf(product),
    sku: text(product.sku),
    name: plain(product.name),
    category: categoryOf(product),
    description: describe(product),
  };
}

/**
 * One variation of a variable product: its own row, named after the product and its options
 * ("House blend - 250 g, Espresso"). WooCommerce shows a variation without a SKU of its own
 * with its product's SKU; SKUs are unique within a store, so a variation showing its product's
 * SKU has none and gets a derived one.
 */
export function variationRow(product: VariableProduct, variation: Json, currency: string | null): CatalogueRow {
  const options = (Array.isArray(variation.attributes) ? variation.attributes : [])
    .map((attribute) => (isObject(attribute) ? plain(attribute.option) : ''))
    .filter(Boolean);
  const own = text(variation.sku);
  return {
    ref: refOf(variation),
    fields: present({
      sku: own && own !== product.sku ? own : derivedSku([product.sku || `woo-${product.ref}`, ...options]),
      name: options.length > 0 ? `${product.name} - ${options.join(', ')}` : product.name,
      price: priceOf(variation),
      currency,
      category: product.category,
      stock: stockOf(variation),
      barcode: text(variation.global_unique_id),
      description: describe(variation) || product.description,
    }),
  };
}

const joined = (separator: string, ...parts: unknown[]) => parts.map(text).filter(Boolean).join(separator);

/**
 * A registered customer: the account's name (else the billing name, company, user name or
 * email, since a name is required), the account's email (else the billing one), and phone,
 * company and address from the billing address.
 */
export function customerRow(customer: Json): CatalogueRow {
  const billing = isObject(customer.billing) ? customer.billing : {};
  const email = text(customer.email) || text(billing.email);
  return {
    ref: refOf(customer),
    fields: present({
      id: refOf(customer),
      name:
        joined(' ', customer.first_name, customer.last_name) ||
        joined(' ', billing.first_name, billing.last_name) ||
        text(billing.company) ||
        text(customer.username) ||
        email,
      email,
      phone: text(billing.phone),
      company: text(billing.company),
      address_line1: joined(', ', billing.address_1, billing.address_2),
      city: text(billing.city),
      region: text(billing.state),
      postal_code: text(billing.postcode),
      country: text(billing.country),
    }),
  };
}
