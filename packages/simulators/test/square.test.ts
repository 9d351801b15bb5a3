import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createSquareSimulator,
  generatedSquareCatalogue,
  nodeListener,
  SQUARE_LOCATION_ID,
  SQUARE_TOKEN,
  type SquareSimulator,
} from '@pos/simulators';
import { afterAll, describe, expect, it } from 'vitest';

const servers: Array<ReturnType<typeof createServer>> = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** The simulated Square on a real port, as demo mode serves it. */
async function serve(square: SquareSimulator) {
  const server = createServer(nodeListener(square));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = { authorization: `Bearer ${SQUARE_TOKEN}`, 'content-type': 'application/json' };
  return {
    get: (path: string) => fetch(`${base}${path}`, { headers }),
    post: (path: string, body: unknown) =>
      fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }),
    anonymous: (path: string) => fetch(`${base}${path}`),
  };
}

type Listed = { objects: Array<{ id: string; type: string; is_deleted: boolean }>; cursor?: string };

async function listAll(get: (path: string) => Promise<Response>, types: string) {
  const objects: Listed['objects'] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const response = await get(`/v2/catalog/list?types=${types}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Listed;
    expect(body.objects.length).toBeLessThanOrEqual(100);
    objects.push(...body.objects);
    cursor = body.cursor;
    pages++;
  } while (cursor);
  return { objects, pages };
}

describe('the simulated Square catalogue', () => {
  it('lists 100 objects a page with a cursor, never deleted ones, and refuses a cursor of another listing', async () => {
    const square = createSquareSimulator({ catalogue: generatedSquareCatalogue(300, SQUARE_LOCATION_ID) });
    const { get } = await serve(square);
    const { objects, pages } = await listAll(get, 'ITEM');
    expect(pages).toBe(3);
    expect(new Set(objects.map((object) => object.id)).size).toBe(objects.length);
    const deleted = objects[5]?.id as string;
    square.catalogue.delete(deleted);
    const after = await listAll(get, 'ITEM');
    expect(after.objects.map((object) => object.id)).not.toContain(deleted);
    expect(after.objects).toHaveLength(objects.length - 1);

    const first = (await (await get('/v2/catalog/list?types=ITEM')).json()) as Listed;
    const wrong = await get(`/v2/catalog/list?types=CATEGORY&cursor=${first.cursor}`);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ errors: [{ code: 'INVALID_CURSOR' }] });
  });

  it('finds deleted objects only when a search asks for them', async () => {
    const square = createSquareSimulator();
    const { post } = await serve(square);
    const search = async (include: boolean) =>
      (
        (await (
          await post('/v2/catalog/search', { object_types: ['ITEM'], include_deleted_objects: include, limit: 1000 })
        ).json()) as Listed
      ).objects;
    expect((await search(false)).some((object) => object.is_deleted)).toBe(false);
    expect((await search(true)).filter((object) => object.is_deleted).map((object) => object.id)).toEqual([
      'ITBAGEL00000000000000014',
    ]);
  });

  it('answers a search with at most searchPageSize objects, Square treating `limit` as advisory', async () => {
    const { post } = await serve(createSquareSimulator({ searchPageSize: 5 }));
    const first = (await (await post('/v2/catalog/search', { object_types: ['ITEM'], limit: 1000 })).json()) as Listed;
    expect(first.objects).toHaveLength(5);
    const rest = (await (
      await post('/v2/catalog/search', { object_types: ['ITEM'], limit: 1000, cursor: first.cursor })
    ).json()) as Listed;
    // Twelve live items at the café plus the one sold elsewhere: 13, so 5 + 5 + 3.
    expect(rest.objects).toHaveLength(5);
    expect(rest.cursor).toBeTruthy();
  });

  it('retrieves counts by variation, location and state, a page at a time', async () => {
    const square = createSquareSimulator();
    const { post } = await serve(square);
    const ids = ['VRCROISSANT0000000000010', 'VRMUFFIN00000000000000011', 'VRLATTES00000000000000001'];
    const response = await post('/v2/inventory/counts/batch-retrieve', {
      catalog_object_ids: ids,
      location_ids: [SQUARE_LOCATION_ID],
      states: ['IN_STOCK'],
      limit: 1,
    });
    const first = (await response.json()) as { counts: unknown[]; cursor?: string };
    expect(first.counts).toEqual([expect.objectContaining({ catalog_object_id: ids[0], quantity: '24' })]);
    const second = (await (
      await post('/v2/inventory/counts/batch-retrieve', {
        catalog_object_ids: ids,
        location_ids: [SQUARE_LOCATION_ID],
        states: ['IN_STOCK'],
        limit: 1,
        cursor: first.cursor,
      })
    ).json()) as { counts: unknown[]; cursor?: string };
    expect(second.counts).toEqual([expect.objectContaining({ catalog_object_id: ids[1], quantity: '18' })]);
    expect(second.cursor).toBeUndefined();
    const tooMany = await post('/v2/inventory/counts/batch-retrieve', { limit: 1001 });
    expect(tooMany.status).toBe(400);
  });

  it('lists customers within Square’s limits and counts them on request', async () => {
    const { get } = await serve(createSquareSimulator());
    const page = (await (await get('/v2/customers?limit=3&count=true')).json()) as {
      customers: unknown[];
      cursor?: string;
      count: number;
    };
    expect(page.customers).toHaveLength(3);
    expect(page.count).toBe(4);
    expect(page.cursor).toBeTruthy();
    expect((await get('/v2/customers?limit=101')).status).toBe(400);
  });

  it('answers 401 without the token, 429 with Retry-After once when armed, and 503 for later pages until up', async () => {
    const square = createSquareSimulator({ catalogue: generatedSquareCatalogue(250, SQUARE_LOCATION_ID) });
    const { get, anonymous } = await serve(square);
    expect((await anonymous('/v2/catalog/list')).status).toBe(401);
    square.catalogue.rateLimitOnce();
    const limited = await get('/v2/catalog/list?types=ITEM');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ errors: [{ code: 'RATE_LIMITED' }] });
    square.catalogue.failLaterPages();
    const first = await get('/v2/catalog/list?types=ITEM');
    expect(first.status).toBe(200);
    const { cursor } = (await first.json()) as Listed;
    expect((await get(`/v2/catalog/list?types=ITEM&cursor=${cursor}`)).status).toBe(503);
    square.catalogue.up();
    expect((await get(`/v2/catalog/list?types=ITEM&cursor=${cursor}`)).status).toBe(200);
  });

  it('generates the same catalogue every time, with distinct SKUs', () => {
    const one = generatedSquareCatalogue(1_000, SQUARE_LOCATION_ID);
    const two = generatedSquareCatalogue(1_000, SQUARE_LOCATION_ID);
    expect(JSON.stringify(one)).toBe(JSON.stringify(two));
    expect(new Set(one.skus).size).toBe(1_000);
    expect(one.counts).toHaveLength(900);
  });
});
