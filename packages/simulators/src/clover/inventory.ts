import { json, type Route, type SimulatedRequest } from '../exchange.js';
import type { CloverCatalogue, CloverCategory, CloverItem } from './catalogue.js';

/** Clover's paging: `limit` defaults to 100 and stops at 1000, `offset` counts from 0. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
/** Collections expanded inside an object are not paged: Clover cuts them at 100. */
const EXPANDED_CAP = 100;

/** Says whether the request's bearer token may read the merchant; the OAuth side decides. */
export type Authorize = (request: SimulatedRequest, merchantId: string) => boolean;

function paging(query: URLSearchParams) {
  const limit = Number(query.get('limit') ?? DEFAULT_LIMIT);
  const offset = Number(query.get('offset') ?? 0);
  return {
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_LIMIT) : DEFAULT_LIMIT,
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

const expansions = (query: URLSearchParams) =>
  new Set((query.get('expand') ?? '').split(',').map((name) => name.trim()));

/**
 * The merchant's inventory behind `GET /v3/merchants/{mId}/items` (paged with `limit`/`offset`,
 * `expand=categories,itemStock`), `/categories` and `/item_stocks`. Deleted items leave the
 * listings, as at Clover. Faults for tests: the next calls answer 429 with `Retry-After`, or
 * every call after the next items page answers 503 until `restore()`.
 */
export function cloverInventory(initial: CloverCatalogue, clock: { now(): Date }) {
  const categories = new Map<string, CloverCategory>();
  const items = new Map<string, CloverItem>();
  const faults = { rateLimited: 0, retryAfter: '1', outageAfterPages: undefined as number | undefined };
  const calls = { items: 0, categories: 0, itemStocks: 0 };

  function replace(catalogue: CloverCatalogue) {
    categories.clear();
    items.clear();
    for (const category of catalogue.categories) categories.set(category.id, { ...category });
    for (const item of catalogue.items) items.set(item.id, { ...item, categories: [...item.categories] });
  }
  replace(initial);

  function categoryOf(id: string) {
    const category = categories.get(id);
    return category ? { id: category.id, name: category.name, sortOrder: category.sortOrder } : undefined;
  }

  function itemStock(item: CloverItem) {
    return { item: { id: item.id }, quantity: item.stock, modifiedTime: item.modifiedTime };
  }

  /** An item as Clover sends it: nested collections only when expanded, null fields left out. */
  function resource(item: CloverItem, expanded: Set<string>, root: string, merchantId: string) {
    const path = `${root}/v3/merchants/${merchantId}/items/${item.id}`;
    return {
      id: item.id,
      hidden: item.hidden ?? false,
      available: item.available ?? true,
      autoManage: false,
      name: item.name,
      alternateName: '',
      ...(item.code ? { code: item.code } : {}),
      ...(item.sku ? { sku: item.sku } : {}),
      price: item.price,
      priceType: item.priceType,
      defaultTaxRates: true,
      ...(item.unitName ? { unitName: item.unitName } : {}),
      cost: 0,
      isRevenue: true,
      // Deprecated, and 0 for an item whose stock nobody counts: only itemStock tells the two apart.
      stockCount: item.stock === undefined ? 0 : Math.trunc(item.stock),
      modifiedTime: item.modifiedTime,
      deleted: false,
      ...(expanded.has('categories')
        ? {
            categories: {
              elements: item.categories
                .map(categoryOf)
                .filter((found) => found !== undefined)
                .slice(0, EXPANDED_CAP),
            },
          }
        : { categories: { href: `${path}/categories` } }),
      ...(expanded.has('itemStock') && item.stock !== undefined ? { itemStock: itemStock(item) } : {}),
    };
  }

  /** The fault due for this inventory call, if any; `firstPage` says the call is an items page. */
  function fault(isItemsPage: boolean) {
    if (faults.rateLimited > 0) {
      faults.rateLimited -= 1;
      return json(429, { message: '429 Too Many Requests' }, { 'retry-after': faults.retryAfter });
    }
    if (faults.outageAfterPages !== undefined) {
      if (faults.outageAfterPages <= 0) return json(503, { message: '503 Service Unavailable' });
      if (isItemsPage) faults.outageAfterPages -= 1;
    }
    return undefined;
  }

  const page = <T>(all: T[], query: URLSearchParams) => {
    const { limit, offset } = paging(query);
    return all.slice(offset, offset + limit);
  };

  function routes(authorize: Authorize): Route[] {
    const guarded =
      (kind: keyof typeof calls, answer: (request: SimulatedRequest, merchantId: string) => unknown): Route[2] =>
      (request, { merchantId = '' }) => {
        calls[kind] += 1;
        if (!authorize(request, merchantId)) return json(401, { message: '401 Unauthorized' });
        return fault(kind === 'items') ?? json(200, answer(request, merchantId));
      };
    return [
      [
        'GET',
        '/v3/merchants/:merchantId/items',
        guarded('items', ({ query, root }, merchantId) => {
          const expanded = expansions(query);
          return {
            elements: page([...items.values()], query).map((item) => resource(item, expanded, root, merchantId)),
          };
        }),
      ],
      [
        'GET',
        '/v3/merchants/:merchantId/categories',
        guarded('categories', ({ query }) => ({ elements: page([...categories.values()], query) })),
      ],
      [
        'GET',
        '/v3/merchants/:merchantId/item_stocks',
        guarded('itemStocks', ({ query }) => ({
          elements: page(
            [...items.values()].filter((item) => item.stock !== undefined),
            query,
          ).map(itemStock),
        })),
      ],
    ];
  }

  const touch = (item: CloverItem) => {
    item.modifiedTime = clock.now().getTime();
  };

  return {
    routes,
    calls,
    /** The items in Clover's listing order. */
    items: () => [...items.values()],
    /** Replaces the whole inventory. */
    replace,
    /** Adds or replaces one item. */
    put(item: CloverItem) {
      items.set(item.id, { ...item, categories: [...item.categories] });
    },
    /** Changes an item's fields, as an edit in the Inventory app does. */
    update(id: string, changes: Partial<Omit<CloverItem, 'id'>>) {
      const item = items.get(id);
      if (!item) throw new Error(`No Clover item ${id}`);
      Object.assign(item, changes);
      touch(item);
      return item;
    },
    /** Deletes an item: it leaves every listing. */
    remove(id: string) {
      const item = items.get(id);
      items.delete(id);
      return item;
    },
    /** The next `count` inventory calls answer 429 with `Retry-After: retryAfter` (seconds). */
    rateLimit(count = 1, retryAfter = '1') {
      faults.rateLimited = count;
      faults.retryAfter = retryAfter;
    },
    /** After `pages` more items pages, every inventory call answers 503 until `restore()`. */
    failAfterPages(pages = 1) {
      faults.outageAfterPages = pages;
    },
    /** Drops the faults. */
    restore() {
      faults.rateLimited = 0;
      faults.outageAfterPages = undefined;
    },
  };
}

export type CloverInventory = ReturnType<typeof cloverInventory>;
