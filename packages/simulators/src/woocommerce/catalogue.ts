import { json, type SimulatedRequest, type SimulatedResponse } from '../exchange.js';

/** A product, variation or customer in the shape WooCommerce's REST API v3 answers it. */
export type WooObject = Record<string, unknown> & { id: number };

/** What a store's catalogue holds. */
export interface WooCommerceCatalogueContent {
  products: WooObject[];
  /** The variations of each variable product, by the product's id. */
  variations?: Record<number, WooObject[]>;
  customers?: WooObject[];
}

/** WordPress's error envelope. */
export const wpError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  json(status, { code, message, data: { status } }, headers);

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** Orders a collection as WordPress does for `orderby` and `order`. */
function sorted(items: WooObject[], orderby: string, order: string): WooObject[] {
  const key = (item: WooObject): string | number => {
    if (orderby === 'id' || orderby === 'include') return item.id;
    if (orderby === 'title' || orderby === 'name')
      return text(item.name) || `${text(item.first_name)} ${text(item.last_name)}`;
    if (orderby === 'slug') return text(item.slug);
    return text(item.date_created_gmt);
  };
  const direction = order === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const [left, right] = [key(a), key(b)];
    const compared = left < right ? -1 : left > right ? 1 : a.id - b.id;
    return compared * direction;
  });
}

/**
 * One page of a collection as the REST API pages it: `page` (1-based) and `per_page` (1 to 100,
 * default 10), `X-WP-Total` and `X-WP-TotalPages`, and a `Link` header with `next` and `prev`.
 * Posts (products, variations) refuse a page past the last one as WordPress does; users
 * (customers) answer it with an empty list.
 */
function collection(
  request: SimulatedRequest,
  items: WooObject[],
  defaults: { orderby: string; order: string; posts: boolean },
): SimulatedResponse {
  const perPage = Number(request.query.get('per_page') ?? '10');
  const page = Number(request.query.get('page') ?? '1');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
    return wpError(400, 'rest_invalid_param', 'Invalid parameter(s): per_page');
  }
  if (!Number.isInteger(page) || page < 1) return wpError(400, 'rest_invalid_param', 'Invalid parameter(s): page');
  const pages = Math.ceil(items.length / perPage);
  if (defaults.posts && page > pages && items.length > 0) {
    return wpError(
      400,
      'rest_post_invalid_page_number',
      'The page number requested is larger than the number of pages available.',
    );
  }
  const ordered = sorted(
    items,
    request.query.get('orderby') ?? defaults.orderby,
    request.query.get('order') ?? defaults.order,
  );
  const link = (to: number) => {
    const query = new URLSearchParams(request.query);
    query.set('page', String(to));
    return `<${request.root}${request.path}?${query}>; rel="${to > page ? 'next' : 'prev'}"`;
  };
  const links = [...(page > 1 ? [link(page - 1)] : []), ...(page < pages ? [link(page + 1)] : [])];
  return json(200, ordered.slice((page - 1) * perPage, page * perPage), {
    'x-wp-total': String(items.length),
    'x-wp-totalpages': String(pages),
    ...(links.length > 0 ? { link: links.join(', ') } : {}),
  });
}

/** `status=any` (the default) lists every status but `trash`, as WordPress does. */
function withStatus(items: WooObject[], status: string | null): WooObject[] {
  return !status || status === 'any'
    ? items.filter((item) => item.status !== 'trash')
    : items.filter((item) => item.status === status);
}

/**
 * A variation as WooCommerce shows it (`view` context): without a SKU of its own it shows its
 * product's, and when only the product counts stock, `manage_stock` is `"parent"` and the
 * quantity is the product's.
 */
function variationView(product: WooObject, variation: WooObject): WooObject {
  const parentStock = variation.manage_stock !== true && product.manage_stock === true;
  return {
    ...variation,
    sku: text(variation.sku) || text(product.sku),
    ...(parentStock ? { manage_stock: 'parent', stock_quantity: product.stock_quantity ?? null } : {}),
  };
}

/** `"12.50"` plus `cents`, in WooCommerce's two-decimal form. */
const plus = (price: unknown, cents: number) => ((Math.round(Number(price) * 100) + cents) / 100).toFixed(2);

export type WooCommerceCatalogue = ReturnType<typeof createWooCommerceCatalogue>;

/**
 * The products, variations and customers of a simulated store, changeable while it serves
 * them, with the faults tests need: one `429` with `Retry-After: 1` (`rateLimitOnce`), and `503`
 * for every catalogue call after the next page until `up()` (`failAfterFirstPage`). Deleting a
 * product moves it to the trash, as WooCommerce's `DELETE /products/{id}` does without `force`:
 * it then no longer appears in the lists.
 */
export function createWooCommerceCatalogue(content: WooCommerceCatalogueContent) {
  let products: WooObject[] = [];
  let variations = new Map<number, WooObject[]>();
  let customers: WooObject[] = [];
  let rateLimit = false;
  /** Catalogue calls still answered before the outage; undefined when none is planned. */
  let answeredBeforeOutage: number | undefined;
  let down = false;

  function replace(next: WooCommerceCatalogueContent) {
    variations = new Map(Object.entries(next.variations ?? {}).map(([id, list]) => [Number(id), [...list]]));
    // A variable product lists the ids of its variations.
    products = next.products.map((product) =>
      variations.has(product.id)
        ? { ...product, variations: variations.get(product.id)?.map(({ id }) => id) }
        : product,
    );
    customers = [...(next.customers ?? [])];
  }
  replace(content);

  /**
   * The fault planned for this catalogue call, if any. Only a page of a list (products,
   * customers) counts as "the first page": the variations read for it are part of it.
   */
  function fault(kind: 'page' | 'part'): SimulatedResponse | undefined {
    if (rateLimit) {
      rateLimit = false;
      return wpError(429, 'rest_too_many_requests', 'Too many requests. Try again later.', { 'retry-after': '1' });
    }
    if (answeredBeforeOutage === undefined) return undefined;
    if (kind === 'page' && answeredBeforeOutage > 0) answeredBeforeOutage -= 1;
    else if (kind === 'page') down = true;
    if (!down) return undefined;
    return wpError(503, 'service_unavailable', 'Service Unavailable');
  }

  const product = (id: number) => products.find((candidate) => candidate.id === id);

  /** Published products with a price, simple ones first in id order: those a reprice or a deletion picks. */
  const simple = () =>
    products
      .filter((candidate) => candidate.status === 'publish' && !variations.has(candidate.id))
      .sort((a, b) => a.id - b.id);

  return {
    replace,
    /** Replaces the customers only. */
    replaceCustomers(next: readonly WooObject[]) {
      customers = [...next];
    },
    get products(): readonly WooObject[] {
      return products;
    },
    get customers(): readonly WooObject[] {
      return customers;
    },
    /** The next catalogue call answers 429 with `Retry-After: 1`. */
    rateLimitOnce() {
      rateLimit = true;
    },
    /** The next page of products or customers answers; every catalogue call after it answers 503 until `up()`. */
    failAfterFirstPage() {
      answeredBeforeOutage = 1;
      down = false;
    },
    up() {
      answeredBeforeOutage = undefined;
      down = false;
      rateLimit = false;
    },
    /** Raises the regular (and current) price of the first `count` simple products by 1.00; returns them. */
    reprice(count: number): WooObject[] {
      const chosen = simple().slice(0, count);
      const ids = new Set(chosen.map(({ id }) => id));
      products = products.map((candidate) =>
        ids.has(candidate.id)
          ? {
              ...candidate,
              regular_price: plus(candidate.regular_price, 100),
              price: plus(candidate.price, 100),
              date_modified_gmt: new Date().toISOString().slice(0, 19),
            }
          : candidate,
      );
      return products.filter(({ id }) => ids.has(id));
    },
    /** Moves a product to the trash (`DELETE /products/{id}` without `force`); the last simple one by default. */
    trash(id = simple().at(-1)?.id): WooObject | undefined {
      const found = id === undefined ? undefined : product(id);
      if (!found) return undefined;
      products = products.map((candidate) => (candidate.id === id ? { ...candidate, status: 'trash' } : candidate));
      return found;
    },

    /** `GET /products`: `status`, `type`, `orderby`, `order`, paged. */
    listProducts(request: SimulatedRequest): SimulatedResponse {
      const type = request.query.get('type');
      const listed = withStatus(products, request.query.get('status')).filter(
        (candidate) => !type || candidate.type === type,
      );
      return fault('page') ?? collection(request, listed, { orderby: 'date', order: 'desc', posts: true });
    },

    /** `GET /products/{id}`. */
    getProduct(id: string): SimulatedResponse {
      const found = product(Number(id));
      return found ? json(200, found) : wpError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
    },

    /** `GET /products/{id}/variations`: `status`, `orderby`, `order`, paged. */
    listVariations(request: SimulatedRequest, id: string): SimulatedResponse {
      const parent = product(Number(id));
      if (!parent) return wpError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
      const listed = withStatus(variations.get(parent.id) ?? [], request.query.get('status')).map((variation) =>
        variationView(parent, variation),
      );
      return fault('part') ?? collection(request, listed, { orderby: 'date', order: 'desc', posts: true });
    },

    /** `GET /customers`: `role` (`customer` by default, `all`), `orderby` (`name` by default), `order`, paged. */
    listCustomers(request: SimulatedRequest): SimulatedResponse {
      const role = request.query.get('role') ?? 'customer';
      const listed = role === 'all' ? customers : customers.filter((customer) => customer.role === role);
      return fault('page') ?? collection(request, listed, { orderby: 'name', order: 'asc', posts: false });
    },
  };
}
