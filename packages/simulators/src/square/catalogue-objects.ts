/**
 * Square's catalogue, inventory and customer objects in the shapes the REST API answers with
 * (snake_case; money as integer minor units), and builders for them.
 */

/** The fields every catalogue object carries. */
interface SquareObjectBase {
  id: string;
  updated_at: string;
  version: number;
  is_deleted: boolean;
  present_at_all_locations: boolean;
  present_at_location_ids?: string[];
  absent_at_location_ids?: string[];
}

export interface SquareMoney {
  amount: number;
  currency: string;
}

export interface SquareVariationObject extends SquareObjectBase {
  type: 'ITEM_VARIATION';
  item_variation_data: {
    item_id: string;
    name: string;
    sku?: string;
    upc?: string;
    ordinal: number;
    pricing_type: 'FIXED_PRICING' | 'VARIABLE_PRICING';
    price_money?: SquareMoney;
    track_inventory: boolean;
    sellable: boolean;
    stockable: boolean;
  };
}

export interface SquareItemObject extends SquareObjectBase {
  type: 'ITEM';
  item_data: {
    name: string;
    description?: string;
    description_html?: string;
    description_plaintext?: string;
    categories?: Array<{ id: string; ordinal: number }>;
    reporting_category?: { id: string; ordinal: number };
    /** Deprecated since 2023-12-13 in favour of `categories`; older items still carry it. */
    category_id?: string;
    variations: SquareVariationObject[];
    is_archived: boolean;
    product_type: 'REGULAR' | 'FOOD_AND_BEV';
  };
}

export interface SquareCategoryObject extends SquareObjectBase {
  type: 'CATEGORY';
  category_data: { name: string; category_type: 'REGULAR_CATEGORY'; is_top_level: boolean };
}

export type SquareCatalogObject = SquareItemObject | SquareCategoryObject | SquareVariationObject;

/** One state of one variation at one location, as `POST /v2/inventory/counts/batch-retrieve` answers it. */
export interface SquareInventoryCount {
  catalog_object_id: string;
  catalog_object_type: 'ITEM_VARIATION';
  state: string;
  location_id: string;
  /** A decimal string, up to 5 decimals. */
  quantity: string;
  calculated_at: string;
}

export interface SquareCustomer {
  id: string;
  created_at: string;
  updated_at: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  company_name?: string;
  email_address?: string;
  phone_number?: string;
  address?: {
    address_line_1?: string;
    address_line_2?: string;
    locality?: string;
    administrative_district_level_1?: string;
    postal_code?: string;
    country?: string;
  };
  version: number;
}

/** What a simulated seller keeps: its catalogue objects (items nest their variations), counts and customers. */
export interface SquareCatalogueContent {
  objects: SquareCatalogObject[];
  counts: SquareInventoryCount[];
  customers: SquareCustomer[];
}

const EPOCH = Date.UTC(2026, 0, 5, 9, 0, 0);
const FIRST = new Date(EPOCH).toISOString();
/** A fixed, increasing time for the `n`th change, so generated catalogues are deterministic. */
export const changedAt = (n: number) => (n === 0 ? FIRST : new Date(EPOCH + n * 1000).toISOString());

/**
 * An object of `type` with its type's data under `key` (`item_data`, …), present everywhere,
 * at the `n`th change. Built by assignment rather than spreads: the bench's generator makes
 * 100,000 of them.
 */
function catalogObject<O extends SquareCatalogObject>(
  type: O['type'],
  id: string,
  n: number,
  key: string,
  data: unknown,
): O {
  const object: Record<string, unknown> = {
    type,
    id,
    updated_at: changedAt(n),
    version: EPOCH + n * 1000,
    is_deleted: false,
    present_at_all_locations: true,
  };
  object[key] = data;
  return object as O;
}

export function squareCategory(id: string, name: string, n = 0): SquareCategoryObject {
  const data = { name, category_type: 'REGULAR_CATEGORY', is_top_level: true };
  return catalogObject<SquareCategoryObject>('CATEGORY', id, n, 'category_data', data);
}

export interface VariationSpec {
  id: string;
  name: string;
  sku?: string;
  upc?: string;
  /** Minor units; left out for a variable-priced variation. */
  amount?: number;
}

export interface ItemSpec {
  id: string;
  name: string;
  currency: string;
  description?: string;
  descriptionHtml?: string;
  categoryIds?: string[];
  variations: VariationSpec[];
}

function squareVariation(spec: VariationSpec, itemId: string, currency: string, ordinal: number, n: number) {
  const data: SquareVariationObject['item_variation_data'] = {
    item_id: itemId,
    name: spec.name,
    ordinal,
    pricing_type: spec.amount === undefined ? 'VARIABLE_PRICING' : 'FIXED_PRICING',
    track_inventory: true,
    sellable: true,
    stockable: true,
  };
  if (spec.sku !== undefined) data.sku = spec.sku;
  if (spec.upc !== undefined) data.upc = spec.upc;
  if (spec.amount !== undefined) data.price_money = { amount: spec.amount, currency };
  return catalogObject<SquareVariationObject>('ITEM_VARIATION', spec.id, n, 'item_variation_data', data);
}

/** An item with its variations nested, as ListCatalog returns it. */
export function squareItem(spec: ItemSpec, n = 0): SquareItemObject {
  const variations: SquareVariationObject[] = [];
  for (let ordinal = 0; ordinal < spec.variations.length; ordinal++) {
    variations.push(squareVariation(spec.variations[ordinal] as VariationSpec, spec.id, spec.currency, ordinal, n));
  }
  const item = catalogObject<SquareItemObject>('ITEM', spec.id, n, 'item_data', {
    name: spec.name,
    variations,
    is_archived: false,
    product_type: 'REGULAR',
  });
  if (spec.description !== undefined) {
    item.item_data.description = spec.description;
    item.item_data.description_plaintext = spec.description;
  }
  if (spec.descriptionHtml !== undefined) item.item_data.description_html = spec.descriptionHtml;
  const first = spec.categoryIds?.[0];
  if (first !== undefined) {
    item.item_data.categories = (spec.categoryIds as string[]).map((id, ordinal) => ({ id, ordinal }));
    item.item_data.reporting_category = { id: first, ordinal: 0 };
  }
  return item;
}

/** The IN_STOCK count of a variation at a location. */
export function inStock(variationId: string, locationId: string, quantity: string, n = 0): SquareInventoryCount {
  return {
    catalog_object_id: variationId,
    catalog_object_type: 'ITEM_VARIATION',
    state: 'IN_STOCK',
    location_id: locationId,
    quantity,
    calculated_at: changedAt(n),
  };
}
