import { htmlToText } from '../html-text.js';
import { derivedSku, unescapeFormula } from '../text.js';
import { cell, type Header, missingColumns, type Preset, type PresetOpening } from './preset.js';

/**
 * WooCommerce's product CSV export (Products → Export), in the column names of its built-in
 * CSV exporter. Simple, external and variation rows become products; variable and grouped
 * products are containers whose name, category and description their variations inherit
 * (a variation's `Parent` is `id:<ID>` or the parent's SKU). WooCommerce writes line breaks in
 * descriptions as a literal `\n` and puts an apostrophe before cells starting with `=+-@`.
 */
const COLUMNS = [
  'ID',
  'Type',
  'SKU',
  'GTIN, UPC, EAN, or ISBN',
  'Name',
  'Published',
  'Is featured?',
  'Visibility in catalog',
  'Short description',
  'Description',
  'Date sale price starts',
  'Date sale price ends',
  'Tax status',
  'Tax class',
  'In stock?',
  'Stock',
  'Low stock amount',
  'Backorders allowed?',
  'Sold individually?',
  'Allow customer reviews?',
  'Purchase note',
  'Sale price',
  'Regular price',
  'Categories',
  'Tags',
  'Shipping class',
  'Images',
  'Download limit',
  'Download expiry days',
  'Parent',
  'Grouped products',
  'Upsells',
  'Cross-sells',
  'External URL',
  'Button text',
  'Position',
  'Brands',
];
// Units, numbered attributes and downloads, and custom meta fields.
const PATTERNS = [
  /^(weight|length|width|height) \(.+\)$/,
  /^attribute \d+ (name|value\(s\)|visible|global|default)$/,
  /^download \d+ (id|name|url)$/,
  /^meta: /,
];
const KNOWN = new Set(COLUMNS.map((column) => column.toLowerCase()));
const isKnown = (name: string) => KNOWN.has(name) || PATTERNS.some((pattern) => pattern.test(name));

interface Parent {
  name: string;
  sku: string;
  id: string;
  category: string;
  description: string;
}

/** "Clothing > Hoodies, Accessories" → "Hoodies" (the first category's own name; `\,` is a literal comma). */
function firstCategory(categories: string): string {
  const first = categories.split(/(?<!\\),/)[0] ?? '';
  return (first.split('>').pop() ?? '').replaceAll('\\,', ',').trim();
}

const description = (text: string) => htmlToText(unescapeFormula(text).replaceAll('\\n', '\n'));

export const wooCommercePreset: Preset = {
  id: 'woocommerce',
  label: 'WooCommerce product export',
  system: 'WooCommerce',
  entityTypes: ['products'],
  detect: (header) => header.has('Type') && header.has('Name') && header.has('Regular price'),
  open(header: Header, { defaults }): PresetOpening {
    const errors = missingColumns(header, ['Type', 'Name', 'Regular price']);
    if (errors.length > 0) return { errors };
    const at = (name: string) => header.index(name);
    const columns = {
      id: at('ID'),
      type: at('Type'),
      sku: at('SKU'),
      barcode: at('GTIN, UPC, EAN, or ISBN'),
      name: at('Name'),
      short: at('Short description'),
      description: at('Description'),
      stock: at('Stock'),
      price: at('Regular price'),
      categories: at('Categories'),
      parent: at('Parent'),
      attributes: header.names.flatMap((name, index) => (/^attribute \d+ value\(s\)$/i.test(name) ? [index] : [])),
    };
    const sources: Record<string, string | null> = {
      sku: header.name('SKU'),
      name: header.name('Name'),
      price: header.name('Regular price'),
      category: header.name('Categories'),
      stock: header.name('Stock'),
      barcode: header.name('GTIN, UPC, EAN, or ISBN'),
      description: header.name('Description'),
    };
    // Parents by "id:<ID>" and by SKU: the two ways a variation's Parent cell names them.
    const parents = new Map<string, Parent>();

    return {
      unknownColumns: header.unknown(isKnown),
      mapper: {
        columnOf: (field) => sources[field] ?? null,
        map(record) {
          const types = cell(record, columns.type)
            .toLowerCase()
            .split(',')
            .map((type) => type.trim());
          const id = cell(record, columns.id).trim();
          const sku = unescapeFormula(cell(record, columns.sku).trim());
          const name = unescapeFormula(cell(record, columns.name).trim());
          const category = firstCategory(cell(record, columns.categories));
          const text = description(cell(record, columns.description) || cell(record, columns.short));
          if (types.includes('variable') || types.includes('grouped')) {
            const parent = { name, sku, id, category, description: text };
            if (id) parents.set(`id:${id}`, parent);
            if (sku) parents.set(sku, parent);
            return null;
          }
          const parent = parents.get(cell(record, columns.parent).trim());
          const attributes = columns.attributes.map((index) => cell(record, index).trim()).filter(Boolean);
          const derived = parent
            ? derivedSku([parent.sku || `woo-${parent.id}`, ...attributes])
            : id
              ? `woo-${id}`
              : derivedSku([name]);
          return {
            sku: sku || derived,
            name: name || (parent && attributes.length > 0 ? `${parent.name} - ${attributes.join(', ')}` : ''),
            price: cell(record, columns.price),
            currency: defaults.currency,
            category: category || parent?.category || '',
            stock: cell(record, columns.stock),
            barcode: cell(record, columns.barcode),
            description: text || parent?.description || '',
          };
        },
      },
    };
  },
};
