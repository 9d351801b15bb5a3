import { derivedSku } from '../text.js';
import { cell, type Header, missingColumns, type Preset, type PresetOpening, RowProblem } from './preset.js';

/**
 * Square's item library export (Items → Actions → Export library, CSV). One row per item
 * variation; `Token` is the variation's catalog id. Per-location columns carry the location's
 * name in brackets ("Current Quantity [Main St]"); the stock is their sum.
 */
const COLUMNS = [
  'Token',
  'Item Name',
  'Variation Name',
  'Unit and Precision',
  'SKU',
  'Description',
  'Category',
  'Categories',
  'Reporting Category',
  'SEO Title',
  'SEO Description',
  'Permalink',
  'GTIN',
  'Square Online Item Visibility',
  'Item Type',
  'Social Media Link Title',
  'Social Media Link Description',
  'Shipping Enabled',
  'Self-serve Ordering Enabled',
  'Delivery Enabled',
  'Pickup Enabled',
  'Price',
  'Online Sale Price',
  'Archived',
  'Sellable',
  'Contains Alcohol',
  'Stockable',
  'Skip Detail Screen in POS',
  'Default Unit Cost',
  'Default Vendor Name',
  'Default Vendor Code',
];
const PATTERNS = [
  /^(enabled|current quantity|new quantity|stock alert enabled|stock alert count|price) \[.+\]$/,
  /^option (name|value) \d+$/,
  /^weight \(.+\)$/,
  /^(tax|modifier set) - /,
];
const KNOWN = new Set(COLUMNS.map((column) => column.toLowerCase()));
const isKnown = (name: string) => KNOWN.has(name) || PATTERNS.some((pattern) => pattern.test(name));

/** Square's default name for an item's only variation. */
const REGULAR = /^regular$/i;

export const squarePreset: Preset = {
  id: 'square',
  label: 'Square item library export',
  system: 'Square',
  entityTypes: ['products'],
  detect: (header) => header.has('Item Name') && (header.has('Variation Name') || header.has('Token')),
  open(header: Header, { defaults }): PresetOpening {
    const errors = missingColumns(header, ['Item Name', 'Price']);
    if (errors.length > 0) return { errors };
    const at = (name: string) => header.index(name);
    const columns = {
      token: at('Token'),
      item: at('Item Name'),
      variation: at('Variation Name'),
      sku: at('SKU'),
      description: at('Description'),
      category: [at('Reporting Category'), at('Category'), at('Categories')],
      gtin: at('GTIN'),
      price: at('Price'),
      quantities: header.names.flatMap((name, index) => (/^current quantity \[.+\]$/i.test(name) ? [index] : [])),
    };
    const sources: Record<string, string | null> = {
      sku: header.name('SKU'),
      name: header.name('Item Name'),
      price: header.name('Price'),
      category: header.name('Reporting Category') ?? header.name('Category') ?? header.name('Categories'),
      barcode: header.name('GTIN'),
      description: header.name('Description'),
    };

    function stock(record: readonly string[]): string {
      let total: number | undefined;
      for (const index of columns.quantities) {
        const text = cell(record, index).trim();
        if (text === '') continue;
        const quantity = Number(text);
        if (!Number.isInteger(quantity)) throw new RowProblem(header.names[index] ?? null, 'must be a whole number');
        total = (total ?? 0) + quantity;
      }
      return total === undefined ? '' : String(total);
    }

    return {
      unknownColumns: header.unknown(isKnown),
      mapper: {
        columnOf: (field) => sources[field] ?? null,
        map(record) {
          const item = cell(record, columns.item).trim();
          const variation = cell(record, columns.variation).trim();
          const price = cell(record, columns.price).trim();
          if (/^variable$/i.test(price)) {
            throw new RowProblem(sources.price ?? null, 'is "Variable": give the item a fixed price to import it');
          }
          const token = cell(record, columns.token).trim();
          const category = columns.category.map((index) => cell(record, index).trim()).find(Boolean) ?? '';
          return {
            sku: cell(record, columns.sku).trim() || (token ? `sq-${token}` : derivedSku([item, variation])),
            name: variation && !REGULAR.test(variation) && item ? `${item} - ${variation}` : item,
            price,
            currency: defaults.currency,
            category: category.split(',')[0]?.trim() ?? '',
            stock: stock(record),
            barcode: cell(record, columns.gtin),
            description: cell(record, columns.description),
          };
        },
      },
    };
  },
};
