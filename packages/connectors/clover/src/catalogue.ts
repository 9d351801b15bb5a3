import {
  type CatalogueCapability,
  type CatalogueRow,
  formatPrice,
  IntegrationError,
} from '@pos/integrations-core/connector';
import { type ZodType, z } from 'zod';
import type { CloverPublicData, CloverSecret } from './clover.js';

/**
 * The Clover merchant's inventory as products for the Data Manager (`catalogue`): one product per
 * Clover item, read from `GET /v3/merchants/{mId}/items?expand=categories,itemStock`, a page of
 * `limit` items at a time by `offset` (Clover has no cursor: a short page is the last one).
 *
 * - `sku`: the item's SKU; for an item without one, `clover-<item id>`, which stays the same
 *   when the item is renamed and never collides with another item of the same name.
 * - `price`: cents (minor units) as decimal text in the merchant's currency (`defaultCurrency`
 *   of the merchant, read once per import). `PER_UNIT` items keep their price per unit;
 *   `VARIABLE` items (priced at the register) have no price to import and are left out.
 * - `barcode`: the product `code` (UPC, EAN). `category`: the first of the item's categories.
 * - `stock`: the item stock's quantity when Clover keeps an item stock for the item and it is a
 *   whole number; otherwise left out, so the stored count stays (Clover's deprecated
 *   `stockCount` reads 0 for items nobody counts, so it is never used).
 * - Hidden items (hidden from the Register app) are still inventory and come in; deleted items
 *   leave Clover's listing, and one that still shows `deleted` or a `deletedTime` is left out.
 *   Clover has no descriptions in its inventory API; modifiers, tax rates and customers are not
 *   imported.
 */

/** What an items page needs from the connector: its REST reads, with retries and the error mapping. */
export interface CloverRest {
  /**
   * A GET under the API host with the merchant's token, its answer read by `schema`; retried on
   * 429 (after `Retry-After`) and 5xx, every failure mapped to our codes by the connector's one
   * mapping; `undefined` when `signal` stopped it.
   */
  get<T>(
    path: string,
    accessToken: string,
    query: Record<string, string | number>,
    schema: ZodType<T>,
    signal: AbortSignal,
  ): Promise<T | undefined>;
  merchantPath(merchantId: string): string;
}

/** Clover's largest page. */
export const CLOVER_MAX_PAGE_SIZE = 1000;

const ITEM_EXPANSIONS = 'categories,itemStock';

/** The merchant's currency: on the merchant, and in its properties (expanded). */
const merchantCurrency = z
  .object({
    defaultCurrency: z.string().nullish(),
    properties: z.object({ defaultCurrency: z.string().nullish() }).partial().nullish(),
  })
  .transform((merchant) => merchant.defaultCurrency || merchant.properties?.defaultCurrency || '')
  .pipe(z.string().regex(/^[A-Za-z]{3}$/));

const item = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  sku: z.string().nullish(),
  code: z.string().nullish(),
  price: z.number().int().nonnegative().nullish(),
  priceType: z.string().nullish(),
  deleted: z.boolean().nullish(),
  deletedTime: z.number().nullish(),
  categories: z.object({ elements: z.array(z.object({ name: z.string().nullish() })).nullish() }).nullish(),
  itemStock: z.object({ quantity: z.number().nullish() }).nullish(),
});
const itemsPage = z.object({ elements: z.array(item).nullish() });

type CloverItem = z.infer<typeof item>;

const text = (value: string | null | undefined) => value?.trim() || undefined;

/** One Clover item as a product row, or null for an item that is not a product to import. */
export function productRow(found: CloverItem, currency: string): CatalogueRow | null {
  if (found.deleted || found.deletedTime) return null;
  if (found.priceType === 'VARIABLE') return null;
  const quantity = found.itemStock?.quantity;
  const fields: CatalogueRow['fields'] = {
    sku: text(found.sku) ?? `clover-${found.id}`,
    name: text(found.name),
    price: typeof found.price === 'number' ? formatPrice(found.price, currency) : undefined,
    currency,
    category: text(found.categories?.elements?.[0]?.name),
    stock: typeof quantity === 'number' && Number.isInteger(quantity) ? String(quantity) : undefined,
    barcode: text(found.code),
  };
  for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
  return { ref: found.id, fields };
}

export function cloverCatalogue(
  rest: CloverRest,
  pageSize = CLOVER_MAX_PAGE_SIZE,
): CatalogueCapability<CloverSecret, CloverPublicData> {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > CLOVER_MAX_PAGE_SIZE) {
    throw new IntegrationError(
      'VALIDATION_FAILED',
      `The Clover page size must be a whole number from 1 to ${CLOVER_MAX_PAGE_SIZE}.`,
    );
  }
  return {
    entityTypes: ['products'],

    async *read(entityType, { secret, publicData }, _context, { signal }) {
      if (entityType !== 'products') {
        throw new IntegrationError('VALIDATION_FAILED', `Clover offers products only, not ${entityType}.`);
      }
      const merchant = rest.merchantPath(publicData.merchant_id);
      const found = await rest.get(merchant, secret.access_token, { expand: 'properties' }, merchantCurrency, signal);
      if (found === undefined) return;
      const currency = found.toUpperCase();
      for (let offset = 0; !signal.aborted; offset += pageSize) {
        const query = { expand: ITEM_EXPANSIONS, limit: pageSize, offset };
        const page = await rest.get(`${merchant}/items`, secret.access_token, query, itemsPage, signal);
        if (page === undefined) return;
        const elements = page.elements ?? [];
        const rows = elements.map((found) => productRow(found, currency)).filter((row) => row !== null);
        if (rows.length > 0) yield { rows };
        if (elements.length < pageSize) return;
      }
    },
  };
}
