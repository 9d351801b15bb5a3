import type { Faker } from '@faker-js/faker';
import type { EntitySink } from '../storage/batches.js';
import type { EntityDefinition, EntityInput } from './entities.js';
import { type CellRule, csvRow, Invalid, optionalInteger, optionalText, requiredText } from './fields.js';
import { formatPrice, isCurrencyCode, parsePrice } from './money.js';

export interface ProductRow extends Record<string, unknown> {
  sku: string;
  name: string;
  /** Integer minor units of `currency`. */
  price: number;
  currency: string;
  category: string | null;
  stock: number | null;
  barcode: string | null;
  description: string | null;
}

export const PRODUCT_COLUMNS = ['sku', 'name', 'price', 'currency', 'category', 'stock', 'barcode', 'description'];

const NOT_CURRENCY = new Invalid('must be an ISO 4217 currency code such as USD');

const REQUIRED = new Invalid('is required');

// A file's rows nearly always share one currency cell: its verdict is kept rather than worked out
// again for every row.
let lastCurrencyText: string | undefined;
let lastCurrency: string | Invalid = REQUIRED;

const currency: CellRule<string> = (text) => {
  if (text === lastCurrencyText && text !== undefined) return lastCurrency;
  const code = text?.trim().toUpperCase();
  const verdict = !code ? REQUIRED : isCurrencyCode(code) ? code : NOT_CURRENCY;
  lastCurrencyText = text;
  lastCurrency = verdict;
  return verdict;
};

/**
 * A product row: the decimal price becomes integer minor units of the row's currency (the
 * decimals a price may have depend on that currency, so it converts once the fields are valid),
 * read with decimal points; `schemaForDecimal(productSchema, 'comma')` reads decimal commas.
 */
export const productSchema = csvRow<Record<string, CellRule<unknown>>, ProductRow>(
  {
    sku: requiredText(64),
    name: requiredText(255),
    price: requiredText(32),
    currency,
    category: optionalText(255),
    stock: optionalInteger,
    barcode: optionalText(64),
    description: optionalText(10_000),
  },
  (row, failed, report, { decimal }) => {
    if (failed.has('price') || failed.has('currency')) return;
    const price = parsePrice(row.price as string, row.currency as string, decimal);
    if (price.ok) row.price = price.minor;
    else report('price', price.message);
  },
);

const CATEGORIES = ['Coffee', 'Tea', 'Bakery', 'Snacks', 'Apparel', 'Home & Garden', 'Stationery', 'Toys'];

function fakeProduct(faker: Faker, index: number): EntityInput {
  const category = faker.helpers.arrayElement(CATEGORIES);
  return {
    sku: `${faker.string.alpha({ length: 3, casing: 'upper' })}-${String(index + 1).padStart(6, '0')}`,
    name: faker.commerce.productName(),
    price: faker.commerce.price({ min: 1, max: 250, dec: 2 }),
    currency: 'USD',
    category,
    stock: String(faker.number.int({ min: 0, max: 500 })),
    barcode: faker.commerce.isbn({ variant: 13, separator: '' }),
    description: faker.commerce.productDescription(),
  };
}

export function productsEntity(sink: EntitySink<ProductRow>): EntityDefinition<ProductRow> {
  return {
    type: 'products',
    columns: PRODUCT_COLUMNS,
    requiredColumns: ['sku', 'name', 'price'],
    schema: productSchema,
    sink,
    fake: fakeProduct,
    reportedOnly: ['stock'],
    format: (row) => ({ ...row, price: formatPrice(row.price, row.currency) }),
    // The sync target keys products by SKU and has no column for the local id.
    syncRecord: ({ id: _id, ...row }) => row,
  };
}
