import { htmlToText } from '../html-text.js';
import { derivedSku } from '../text.js';
import { cell, type Header, missingColumns, type Preset, type PresetOpening, RowProblem } from './preset.js';

/**
 * Shopify's product CSV export (Products → Export), as documented in Shopify Help "Using CSV
 * files to import and export products". One row per variant; the product's own fields (title,
 * description, type…) are only on its first row, later rows of the same Handle inherit them;
 * extra rows holding only an image have no variant fields and are skipped.
 */
const COLUMNS = [
  'Handle',
  'Title',
  'Body (HTML)',
  'Vendor',
  'Product Category',
  'Standard Product Type',
  'Custom Product Type',
  'Type',
  'Tags',
  'Published',
  'Option1 Name',
  'Option1 Value',
  'Option1 Linked To',
  'Option2 Name',
  'Option2 Value',
  'Option2 Linked To',
  'Option3 Name',
  'Option3 Value',
  'Option3 Linked To',
  'Variant SKU',
  'Variant Grams',
  'Variant Inventory Tracker',
  'Variant Inventory Qty',
  'Variant Inventory Policy',
  'Variant Fulfillment Service',
  'Variant Price',
  'Variant Compare At Price',
  'Variant Requires Shipping',
  'Variant Taxable',
  'Variant Barcode',
  'Image Src',
  'Image Position',
  'Image Alt Text',
  'Gift Card',
  'SEO Title',
  'SEO Description',
  'Variant Image',
  'Variant Weight Unit',
  'Variant Tax Code',
  'Cost per item',
  'Status',
  'Unit Price Total Measure',
  'Unit Price Total Measure Unit',
  'Unit Price Base Measure',
  'Unit Price Base Measure Unit',
];
// Market and Google Shopping columns carry a suffix per market or attribute.
const PREFIXES = ['google shopping / ', 'included / ', 'price / ', 'compare at price / '];
const KNOWN = new Set(COLUMNS.map((column) => column.toLowerCase()));
const isKnown = (name: string) => KNOWN.has(name) || PREFIXES.some((prefix) => name.startsWith(prefix));

/** Shopify's value for the single variant of a product without options. */
const DEFAULT_TITLE = 'Default Title';

interface ProductFields {
  handle: string;
  title: string;
  /** The description as text, converted once per product rather than once per variant row. */
  description: string;
  category: string;
}

export const shopifyPreset: Preset = {
  id: 'shopify',
  label: 'Shopify product export',
  system: 'Shopify',
  entityTypes: ['products'],
  detect: (header) => header.has('Handle') && header.has('Title') && header.has('Variant Price'),
  open(header: Header, { defaults }): PresetOpening {
    const errors = missingColumns(header, ['Handle', 'Title', 'Variant Price']);
    if (errors.length > 0) return { errors };
    const at = (name: string) => header.index(name);
    const columns = {
      handle: at('Handle'),
      title: at('Title'),
      body: at('Body (HTML)'),
      type: at('Type'),
      category: at('Product Category'),
      options: [at('Option1 Value'), at('Option2 Value'), at('Option3 Value')],
      sku: at('Variant SKU'),
      price: at('Variant Price'),
      quantity: at('Variant Inventory Qty'),
      barcode: at('Variant Barcode'),
    };
    const sources: Record<string, string | null> = {
      sku: header.name('Variant SKU'),
      name: header.name('Title'),
      price: header.name('Variant Price'),
      category: header.name('Type') ?? header.name('Product Category'),
      stock: header.name('Variant Inventory Qty'),
      barcode: header.name('Variant Barcode'),
      description: header.name('Body (HTML)'),
    };
    let product: ProductFields | undefined;

    return {
      unknownColumns: header.unknown(isKnown),
      mapper: {
        columnOf: (field) => sources[field] ?? null,
        map(record) {
          const handle = cell(record, columns.handle).trim();
          if (!handle) throw new RowProblem(header.name('Handle'), 'is required');
          const body = cell(record, columns.body);
          let first = false;
          if (product?.handle !== handle) {
            first = true;
            // The first row of a product; its product-level cells apply to the variant rows after it.
            const type = cell(record, columns.type).trim();
            const taxonomy = cell(record, columns.category).trim();
            product = {
              handle,
              title: cell(record, columns.title),
              description: htmlToText(body),
              category: type || (taxonomy.split('>').pop()?.trim() ?? ''),
            };
          }
          const values = columns.options.map((index) => cell(record, index).trim()).filter(Boolean);
          const sku = cell(record, columns.sku).trim();
          const price = cell(record, columns.price).trim();
          if (values.length === 0 && !sku && !price) return null; // an image-only row
          const options = values.filter((value) => value !== DEFAULT_TITLE);
          const title = cell(record, columns.title).trim() || product.title.trim();
          return {
            sku: sku || derivedSku([handle, ...options]),
            name: options.length > 0 && title ? `${title} - ${options.join(' / ')}` : title,
            price,
            currency: defaults.currency,
            category: product.category,
            stock: cell(record, columns.quantity),
            barcode: cell(record, columns.barcode).replace(/^'/, ''),
            // A later row with a body of its own keeps it.
            description: !first && body ? htmlToText(body) : product.description,
          };
        },
      },
    };
  },
};
