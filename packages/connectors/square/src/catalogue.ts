import {
  type CatalogueCapability,
  type CataloguePage,
  type CatalogueRow,
  type ConnectorCredentials,
  derivedSku,
  fieldError,
  formatPrice,
  htmlToText,
  IntegrationError,
  providerCalls,
  type RetryPolicy,
} from '@pos/integrations-core/connector';
import type { Square, SquareClient } from 'square';
import { fromSquareError, type SquareRead } from './errors.js';
import type { SquarePublicData, SquareSecret } from './square.js';

type SquareCredentials = ConnectorCredentials<SquareSecret, SquarePublicData>;
type RequestOptions = { abortSignal: AbortSignal };

/** BatchRetrieveInventoryCounts: the most counts a page holds (its `limit`), and the ids we send per call. */
const COUNTS_PER_CALL = 1000;
/** BatchRetrieveInventoryCounts calls a page's stock may have in flight at once. */
const PARALLEL_COUNT_CALLS = 4;
/** SearchCatalogObjects' largest page (ListCatalog's is fixed at 100). */
const SEARCH_LIMIT = 1000;
/** ListCustomers' largest page. */
const CUSTOMERS_PER_PAGE = 100;

const ITEMS: SquareRead = { what: 'the item catalogue', permission: 'ITEMS_READ' };
const INVENTORY: SquareRead = { what: 'inventory counts', permission: 'INVENTORY_READ' };
const CUSTOMERS: SquareRead = { what: 'customers', permission: 'CUSTOMERS_READ' };

export interface SquareCatalogueOptions {
  /** The SDK client for a merchant's credentials (the connector's own client: its host, timeout, no SDK retries). */
  client: (credentials: SquareCredentials) => SquareClient;
  retry?: RetryPolicy | undefined;
}

/** Square's cursor, or undefined at the end (absent or empty). */
const next = (cursor: string | null | undefined) => (cursor ? cursor : undefined);

/** Whether a catalogue object is offered at the location (Square's present/absent rules; present everywhere by default). */
function presentAt(object: Square.CatalogObject, locationId: string): boolean {
  if (object.presentAtAllLocations === false) return object.presentAtLocationIds?.includes(locationId) ?? false;
  return !object.absentAtLocationIds?.includes(locationId);
}

/**
 * An IN_STOCK quantity (a decimal string, up to five decimals) as whole units, rounded down:
 * an item sold by weight with 2.5 kg left reports 2, never more than is on the shelf.
 */
function wholeUnits(quantity: string): string | undefined {
  const value = Number(quantity);
  return Number.isFinite(value) ? String(Math.floor(value) || 0) : undefined;
}

/** The item's description as text: Square's plain-text form, the legacy `description`, else its HTML cleaned. */
function descriptionOf(item: Square.CatalogItem): string | undefined {
  const text = item.descriptionPlaintext?.trim() || item.description?.trim();
  if (text) return text;
  return item.descriptionHtml ? htmlToText(item.descriptionHtml) || undefined : undefined;
}

/** The item's category: its reporting category, else its first category, else the legacy `category_id`. */
function categoryOf(item: Square.CatalogItem, names: ReadonlyMap<string, string>): string | undefined {
  const ids = [item.reportingCategory?.id, ...(item.categories ?? []).map((category) => category.id), item.categoryId];
  for (const id of ids) {
    const name = id ? names.get(id) : undefined;
    if (name) return name;
  }
  return undefined;
}

/** One product per variation, in our column names; a field Square has no value for is left out. */
function productRow(
  item: Square.CatalogItem,
  variation: Square.CatalogObject.ItemVariation,
  context: { several: boolean; category: string | undefined; description: string | undefined; stock?: string },
): CatalogueRow {
  const data = variation.itemVariationData ?? {};
  const itemName = item.name?.trim() ?? '';
  const variationName = data.name?.trim() ?? '';
  const fields: Record<string, string> = {
    sku: data.sku?.trim() || derivedSku([itemName, variationName]),
    name: context.several && variationName ? `${itemName} - ${variationName}`.trim() : itemName || variationName,
  };
  const money = data.priceMoney;
  if (money?.amount !== undefined && money.amount !== null && money.currency) {
    fields.price = formatPrice(Number(money.amount), money.currency);
    fields.currency = money.currency;
  }
  if (context.category) fields.category = context.category;
  const upc = data.upc?.trim();
  if (upc) fields.barcode = upc;
  if (context.description) fields.description = context.description;
  if (context.stock !== undefined) fields.stock = context.stock;
  return { ref: variation.id, fields };
}

function customerRow(customer: Square.Customer): CatalogueRow | undefined {
  if (!customer.id) return undefined;
  const person = [customer.givenName?.trim(), customer.familyName?.trim()].filter(Boolean).join(' ');
  const name =
    person ||
    customer.nickname?.trim() ||
    customer.companyName?.trim() ||
    customer.emailAddress?.trim() ||
    customer.phoneNumber?.trim();
  const address = customer.address;
  const values: Record<string, string | null | undefined> = {
    id: customer.id,
    name,
    email: customer.emailAddress,
    phone: customer.phoneNumber,
    company: customer.companyName,
    address_line1: address?.addressLine1,
    city: address?.locality,
    region: address?.administrativeDistrictLevel1,
    postal_code: address?.postalCode,
    country: address?.country,
  };
  const fields: Record<string, string> = {};
  for (const [column, value] of Object.entries(values)) {
    const text = value?.trim();
    if (text) fields[column] = text;
  }
  return { ref: customer.id, fields };
}

/**
 * Square's catalogue for the Data Manager, through the official SDK: products (one per item
 * variation offered at the connected location, with the IN_STOCK count Square reports there)
 * and customers. Items come from SearchCatalogObjects, up to 1,000 a page (ListCatalog's pages
 * are fixed at 100), without deleted objects; each page is followed by the inventory counts of
 * its variations. Categories are read first (they are few) so every page can name them.
 */
export function squareCatalogue(options: SquareCatalogueOptions): CatalogueCapability<SquareSecret, SquarePublicData> {
  const callers = new Map(
    [ITEMS, INVENTORY, CUSTOMERS].map((read) => [
      read,
      providerCalls({ retry: options.retry, mapError: (error) => fromSquareError(error, read) }),
    ]),
  );

  /**
   * One SDK call, retried on 429 (after Square's Retry-After) and outages; the batch stopping
   * stops it. Each attempt gets a signal of its own, linked to the batch's and unlinked after:
   * the SDK listens on the signal it is given and never lets go, which over a long import's
   * thousands of calls would pile up on the batch's signal.
   */
  async function request<T>(read: SquareRead, signal: AbortSignal, send: (options: RequestOptions) => Promise<T>) {
    const call = callers.get(read) as ReturnType<typeof providerCalls>;
    stopIfAborted(signal);
    const result = await call(async () => {
      const attempt = new AbortController();
      const abort = () => attempt.abort(signal.reason);
      signal.addEventListener('abort', abort, { once: true });
      try {
        return await send({ abortSignal: attempt.signal });
      } catch (error) {
        stopIfAborted(signal);
        throw error;
      } finally {
        signal.removeEventListener('abort', abort);
      }
    });
    stopIfAborted(signal);
    return result;
  }

  /** One page of SearchCatalogObjects: live objects of one type, up to 1,000 a page. */
  const searchPage = (
    client: SquareClient,
    type: 'ITEM' | 'CATEGORY',
    cursor: string | undefined,
    signal: AbortSignal,
  ) =>
    request(ITEMS, signal, (sdk) =>
      client.catalog.search({ objectTypes: [type], includeDeletedObjects: false, limit: SEARCH_LIMIT, cursor }, sdk),
    );

  async function categoryNames(client: SquareClient, signal: AbortSignal): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    let cursor: string | undefined;
    do {
      const page = await searchPage(client, 'CATEGORY', cursor, signal);
      for (const object of page.objects ?? []) {
        const name = object.type === 'CATEGORY' ? object.categoryData?.name?.trim() : undefined;
        if (name && object.id && !object.isDeleted) names.set(object.id, name);
      }
      cursor = next(page.cursor);
    } while (cursor);
    return names;
  }

  /**
   * The IN_STOCK quantity at the location of each variation Square reports one for. A page's ids
   * go in calls of 1,000, up to four at a time: a page of 1,000 items with their variations
   * waits for Square about once, not once per call.
   */
  async function stockAt(client: SquareClient, locationId: string, ids: string[], signal: AbortSignal) {
    const stock = new Map<string, string>();
    for (let start = 0; start < ids.length; start += COUNTS_PER_CALL * PARALLEL_COUNT_CALLS) {
      const calls: Promise<void>[] = [];
      const end = Math.min(ids.length, start + COUNTS_PER_CALL * PARALLEL_COUNT_CALLS);
      for (let from = start; from < end; from += COUNTS_PER_CALL) {
        calls.push(countsOf(client, locationId, ids.slice(from, Math.min(end, from + COUNTS_PER_CALL)), signal, stock));
      }
      // Every call settles before a failure is reported, so none is left running unobserved.
      const failed = (await Promise.allSettled(calls)).find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return stock;
  }

  /** One call's counts (and its further pages, by cursor) into `stock`. */
  async function countsOf(
    client: SquareClient,
    locationId: string,
    catalogObjectIds: string[],
    signal: AbortSignal,
    stock: Map<string, string>,
  ): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await request(INVENTORY, signal, (sdk) =>
        client.inventory.batchGetCounts(
          { catalogObjectIds, locationIds: [locationId], states: ['IN_STOCK'], limit: COUNTS_PER_CALL, cursor },
          sdk,
        ),
      );
      for (const count of page.data) {
        if (count.state !== 'IN_STOCK' || count.locationId !== locationId || !count.catalogObjectId) continue;
        const units = count.quantity ? wholeUnits(count.quantity) : undefined;
        if (units !== undefined) stock.set(count.catalogObjectId, units);
      }
      cursor = next(page.response.cursor);
    } while (cursor);
  }

  async function* products(credentials: SquareCredentials, signal: AbortSignal): AsyncGenerator<CataloguePage> {
    const client = options.client(credentials);
    const locationId = credentials.publicData.location_id;
    const categories = await categoryNames(client, signal);
    let pending: Promise<Square.SearchCatalogObjectsResponse> | undefined = searchPage(
      client,
      'ITEM',
      undefined,
      signal,
    );
    while (pending) {
      const page: Square.SearchCatalogObjectsResponse = await pending;
      // The next page is asked for at once, so Square's latency overlaps the counts and the
      // storing of this one; a failure surfaces when it is awaited (or never, once stopped).
      const cursor = next(page.cursor);
      pending = cursor ? searchPage(client, 'ITEM', cursor, signal) : undefined;
      pending?.catch(() => undefined);
      const offered: Array<{ item: Square.CatalogItem; variations: Square.CatalogObject.ItemVariation[] }> = [];
      for (const object of page.objects ?? []) {
        if (object.type !== 'ITEM' || object.isDeleted || !object.itemData || !presentAt(object, locationId)) continue;
        const variations = (object.itemData.variations ?? []).filter(
          (variation): variation is Square.CatalogObject.ItemVariation =>
            variation.type === 'ITEM_VARIATION' && !variation.isDeleted && presentAt(variation, locationId),
        );
        if (variations.length > 0) offered.push({ item: object.itemData, variations });
      }
      const ids = offered.flatMap(({ variations }) => variations.map((variation) => variation.id));
      const stock = ids.length > 0 ? await stockAt(client, locationId, ids, signal) : new Map<string, string>();
      const rows = offered.flatMap(({ item, variations }) => {
        const shared = {
          several: variations.length > 1,
          category: categoryOf(item, categories),
          description: descriptionOf(item),
        };
        return variations.map((variation) => {
          const units = stock.get(variation.id);
          return productRow(item, variation, units === undefined ? shared : { ...shared, stock: units });
        });
      });
      if (rows.length > 0) yield { rows };
    }
  }

  async function* customers(credentials: SquareCredentials, signal: AbortSignal): AsyncGenerator<CataloguePage> {
    const client = options.client(credentials);
    let cursor: string | undefined;
    do {
      const page = await request(CUSTOMERS, signal, (sdk) =>
        client.customers.list({ limit: CUSTOMERS_PER_PAGE, cursor, count: true }, sdk),
      );
      const rows = page.data.flatMap((customer) => customerRow(customer) ?? []);
      const total = page.response.count;
      yield { rows, ...(total !== undefined ? { total: Number(total) } : {}) };
      cursor = next(page.response.cursor);
    } while (cursor);
  }

  return {
    entityTypes: ['products', 'customers'],
    read(entityType, credentials, _context, { signal }) {
      if (entityType === 'products') return products(credentials, signal);
      if (entityType === 'customers') return customers(credentials, signal);
      throw fieldError('entity_type', 'must be products or customers: Square supplies no other');
    },
  };
}

/** Stops a read whose batch was stopped: with the batch's reason when it gave one. */
function stopIfAborted(signal: AbortSignal): void {
  if (!signal.aborted) return;
  throw signal.reason instanceof IntegrationError
    ? signal.reason
    : new IntegrationError('BATCH_FAILED', 'The import from Square was stopped before it finished.');
}
