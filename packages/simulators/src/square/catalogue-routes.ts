import { json, jsonOf, type Route, type SimulatedRequest, type SimulatedResponse } from '../exchange.js';
import type { SquareCatalogue } from './catalogue.js';
import { squareErrorBody } from './fixtures.js';

/** ListCatalog's fixed page size. */
const LIST_PAGE = 100;
/** States Square ignores in an inventory `states` filter. */
const UNTRACKED_STATES = new Set(['NONE', 'SOLD', 'UNLINKED_RETURN']);

const badRequest = (code: string, detail: string, field?: string) =>
  json(400, { errors: [{ category: 'INVALID_REQUEST_ERROR', code, detail, ...(field ? { field } : {}) }] });

/** An opaque cursor naming the listing it continues (so a cursor of another listing is refused) and the offset. */
const cursorFor = (listing: string, offset: number) => Buffer.from(`${listing}|${offset}`).toString('base64url');

function offsetOf(cursor: unknown, listing: string): number | SimulatedResponse {
  if (cursor === undefined || cursor === null || cursor === '') return 0;
  const [named, offset] = Buffer.from(String(cursor), 'base64url').toString('utf8').split('|');
  const value = Number(offset);
  if (named !== listing || !Number.isInteger(value) || value < 0) {
    return badRequest('INVALID_CURSOR', 'The pagination cursor is not valid for this request.', 'cursor');
  }
  return value;
}

/** One page of `all` from `offset`, with the cursor of the next page when there is one. */
function page<T>(all: readonly T[], offset: number, size: number, listing: string) {
  const items = all.slice(offset, offset + size);
  const next = offset + size < all.length ? { cursor: cursorFor(listing, offset + size) } : {};
  return { items, next };
}

const typesOf = (value: unknown, fallback: string[]) =>
  new Set(
    (Array.isArray(value) ? value.map(String) : typeof value === 'string' && value ? value.split(',') : fallback).map(
      (type) => type.trim().toUpperCase(),
    ),
  );

/**
 * The read side of Square's Catalog, Inventory and Customers APIs over a {@link SquareCatalogue}:
 * ListCatalog (100 per page, never deleted objects), SearchCatalogObjects (object types, deleted
 * objects on request, `limit` up to 1000 or `searchPageSize`, whichever is less, no query filters), BatchRetrieveInventoryCounts and
 * ListCustomers, each paginated with Square's opaque `cursor`. An armed fault answers first: 429
 * `RATE_LIMITED` with `Retry-After: 1`, or 503 for a later page.
 */
export function catalogueRoutes(
  catalogue: SquareCatalogue,
  authorized: (request: SimulatedRequest) => SimulatedResponse | undefined,
  searchPageSize = 1000,
): Route[] {
  const guarded =
    (laterPage: (request: SimulatedRequest) => boolean, answer: (request: SimulatedRequest) => SimulatedResponse) =>
    (request: SimulatedRequest) => {
      const refused = authorized(request);
      if (refused) return refused;
      const fault = catalogue.faultFor(laterPage(request));
      if (fault === 'rate_limited') {
        return json(429, squareErrorBody('RATE_LIMIT_ERROR', 'RATE_LIMITED', 'Too many requests.'), {
          'retry-after': '1',
        });
      }
      if (fault === 'unavailable') {
        return json(503, squareErrorBody('API_ERROR', 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable.'));
      }
      return answer(request);
    };
  const queryCursor = (request: SimulatedRequest) => Boolean(request.query.get('cursor'));
  const bodyCursor = (request: SimulatedRequest) => Boolean(jsonOf(request).cursor);

  return [
    [
      'GET',
      '/v2/catalog/list',
      guarded(queryCursor, (request) => {
        const types = typesOf(request.query.get('types'), ['ITEM', 'CATEGORY']);
        const listing = `list:${[...types].sort().join(',')}`;
        const offset = offsetOf(request.query.get('cursor'), listing);
        if (typeof offset !== 'number') return offset;
        const { items, next } = page(catalogue.live(types), offset, LIST_PAGE, listing);
        return json(200, { objects: items, ...next });
      }),
    ],
    [
      'POST',
      '/v2/catalog/search',
      guarded(bodyCursor, (request) => {
        const body = jsonOf(request);
        const types = typesOf(body.object_types, ['ITEM', 'CATEGORY']);
        const deleted = body.include_deleted_objects === true;
        const requested = Number(body.limit ?? 100);
        // Square treats `limit` as advisory: out of range, it uses its default.
        const size = Math.min(
          Number.isInteger(requested) && requested >= 1 && requested <= 1000 ? requested : 100,
          searchPageSize,
        );
        const listing = `search:${[...types].sort().join(',')}:${deleted}`;
        const offset = offsetOf(body.cursor, listing);
        if (typeof offset !== 'number') return offset;
        const all = deleted ? catalogue.withDeleted(types) : catalogue.live(types);
        const { items, next } = page(all, offset, size, listing);
        return json(200, { objects: items, ...next, latest_time: new Date(0).toISOString() });
      }),
    ],
    [
      'POST',
      '/v2/inventory/counts/batch-retrieve',
      guarded(bodyCursor, (request) => {
        const body = jsonOf(request);
        const limit = Number(body.limit ?? 1000);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
          return badRequest(limit < 1 ? 'VALUE_TOO_LOW' : 'VALUE_TOO_HIGH', 'limit must be from 1 to 1000.', 'limit');
        }
        const ids = Array.isArray(body.catalog_object_ids) ? body.catalog_object_ids.map(String) : undefined;
        const locations = Array.isArray(body.location_ids) ? new Set(body.location_ids.map(String)) : undefined;
        const states = Array.isArray(body.states)
          ? new Set(body.states.map(String).filter((state) => !UNTRACKED_STATES.has(state)))
          : undefined;
        const candidates = ids ? ids.flatMap((id) => catalogue.countsOf(id)) : catalogue.allCounts();
        const counts = candidates.filter(
          (count) =>
            (!locations || locations.has(count.location_id)) &&
            (!states || states.size === 0 || states.has(count.state)),
        );
        const listing = `counts:${ids?.length ?? 0}:${ids?.[0] ?? ''}`;
        const offset = offsetOf(body.cursor, listing);
        if (typeof offset !== 'number') return offset;
        const { items, next } = page(counts, offset, limit, listing);
        return json(200, { counts: items, ...next });
      }),
    ],
    [
      'GET',
      '/v2/customers',
      guarded(queryCursor, (request) => {
        const limit = Number(request.query.get('limit') ?? 100);
        if (!Number.isInteger(limit) || limit < 1)
          return badRequest('VALUE_TOO_LOW', 'limit must be at least 1.', 'limit');
        if (limit > 100) return badRequest('VALUE_TOO_HIGH', 'limit must be at most 100.', 'limit');
        const offset = offsetOf(request.query.get('cursor'), 'customers');
        if (typeof offset !== 'number') return offset;
        const all = catalogue.customers;
        const { items, next } = page(all, offset, limit, 'customers');
        const count = request.query.get('count') === 'true' ? { count: all.length } : {};
        return json(200, { customers: items, ...next, ...count });
      }),
    ],
  ];
}
