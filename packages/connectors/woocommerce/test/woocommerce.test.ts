import { type OutboundResolver, silentLogger, systemClock } from '@pos/integrations-core';
import { createOutboundGuard } from '@pos/integrations-core/connector';
import {
  useProviderMock,
  WOOCOMMERCE_CONSUMER_KEY,
  WOOCOMMERCE_CONSUMER_SECRET,
  WOOCOMMERCE_STORE,
  wooCommerceHandlers,
} from '@pos/test-support';
import { HttpResponse, http, passthrough } from 'msw';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { wooCommerce, wooCommerceCredentialsSchema } from '../src/index.js';

const fastRetry = { attempts: 2, baseDelayMs: 1, maxDelayMs: 10 };
/** Test names the resolver answers itself: one points inside the network. */
const lookup: OutboundResolver = async (hostname) =>
  hostname === 'intranet.test' ? [{ address: '10.0.0.5', family: 4 }] : [{ address: '93.184.215.14', family: 4 }];
const outbound = createOutboundGuard({ lookup });
afterAll(() => outbound.close());
const context = { tenantId: 'tenant-a', clock: systemClock, logger: silentLogger, outbound };
const keys = { consumer_key: WOOCOMMERCE_CONSUMER_KEY, consumer_secret: WOOCOMMERCE_CONSUMER_SECRET };
const connector = wooCommerce({ retry: fastRetry });

const mock = useProviderMock();
afterEach(() => mock.events.removeAllListeners());
/** Every request the store saw, as `METHOD path`, with its Authorization header. */
function recording() {
  const seen: Array<{ request: string; authorization: string | null }> = [];
  mock.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    seen.push({
      request: `${request.method} ${url.pathname}${url.search}`,
      authorization: request.headers.get('authorization'),
    });
  });
  return seen;
}

const credentials = (store_url = WOOCOMMERCE_STORE) => wooCommerceCredentialsSchema.parse({ store_url, ...keys });

describe('connecting a store', () => {
  it('checks the key live with HTTP Basic, keeps both keys secret and names the store', async () => {
    mock.use(...wooCommerceHandlers());
    const seen = recording();
    const input = wooCommerceCredentialsSchema.parse({ store_url: ` ${WOOCOMMERCE_STORE}/wp-json/wc/v3/ `, ...keys });
    expect(input.store_url).toBe(WOOCOMMERCE_STORE);
    const result = await connector.verify(input, context);
    expect(result.secret).toEqual(keys);
    expect(result.publicData).toEqual({
      store_url: WOOCOMMERCE_STORE,
      store_name: 'Corner Café Shop',
      consumer_key_masked: `ck_...${WOOCOMMERCE_CONSUMER_KEY.slice(-4)}`,
    });
    expect(JSON.stringify(result.publicData)).not.toContain(WOOCOMMERCE_CONSUMER_SECRET);
    const basic = `Basic ${Buffer.from(`${WOOCOMMERCE_CONSUMER_KEY}:${WOOCOMMERCE_CONSUMER_SECRET}`).toString('base64')}`;
    expect(seen).toEqual([
      { request: 'GET /wp-json/wc/v3/system_status', authorization: basic },
      // The site title needs no key, and gets none.
      { request: 'GET /wp-json', authorization: null },
    ]);
  });

  it('keeps the folder of a WordPress installed below the root', async () => {
    mock.use(...wooCommerceHandlers(`${WOOCOMMERCE_STORE}/shop`));
    const result = await connector.verify(credentials(`${WOOCOMMERCE_STORE}/shop/wp-admin/`), context);
    expect(result.publicData.store_url).toBe(`${WOOCOMMERCE_STORE}/shop`);
  });

  it('summarises the store from its live answers, and tests it', async () => {
    mock.use(...wooCommerceHandlers(WOOCOMMERCE_STORE, { store: { currency: 'EUR', wcVersion: '10.0.2' } }));
    const connected = await connector.verify(credentials(), context);
    expect(await connector.summary(connected, context)).toEqual({
      store_name: 'Corner Café Shop',
      store_url: WOOCOMMERCE_STORE,
      woocommerce_version: '10.0.2',
      wordpress_version: '6.8.1',
      currency: 'EUR',
      product_count: 4,
    });
    expect((await connector.test(connected, context)).message).toBe(
      'WooCommerce answered: Corner Café Shop runs WooCommerce 10.0.2.',
    );
  });

  it('refuses malformed keys and store addresses before calling anyone', () => {
    const parse = (input: Record<string, string>) => wooCommerceCredentialsSchema.safeParse(input);
    expect(parse({ store_url: WOOCOMMERCE_STORE, ...keys, consumer_key: 'cs_swapped0123456789' }).success).toBe(false);
    expect(parse({ store_url: WOOCOMMERCE_STORE, ...keys, consumer_secret: WOOCOMMERCE_CONSUMER_KEY }).success).toBe(
      false,
    );
    expect(parse({ store_url: 'shop.example.com', ...keys }).success).toBe(false);
    expect(parse({ store_url: 'ftp://shop.example.com', ...keys }).success).toBe(false);
  });
});

describe('what the store answers', () => {
  it('refuses an unknown key and a wrong secret: WOOCOMMERCE_INVALID_KEYS, asking to reconnect', async () => {
    mock.use(...wooCommerceHandlers());
    const wrongKey = {
      store_url: WOOCOMMERCE_STORE,
      ...keys,
      consumer_key: 'ck_0000000000000000000000000000000000000000',
    };
    const wrongSecret = {
      store_url: WOOCOMMERCE_STORE,
      ...keys,
      consumer_secret: 'cs_1111111111111111111111111111111111111111',
    };
    for (const input of [wrongKey, wrongSecret]) {
      const error = await connector.verify(input, context).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toMatchObject({ code: 'WOOCOMMERCE_INVALID_KEYS', status: 400, needsReconnect: true });
      expect(String((error as Error).message)).not.toMatch(/ck_0|cs_1/);
    }
  });

  it('says a key whose user may not read the store is refused too (403)', async () => {
    mock.use(
      http.get(`${WOOCOMMERCE_STORE}/wp-json/wc/v3/system_status`, () =>
        HttpResponse.json(
          { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 403 } },
          { status: 403 },
        ),
      ),
    );
    await expect(connector.verify(credentials(), context)).rejects.toMatchObject({
      code: 'WOOCOMMERCE_INVALID_KEYS',
      message: expect.stringContaining('administrator or shop manager'),
      details: { http_status: 403, woocommerce_code: 'woocommerce_rest_cannot_view' },
    });
  });

  it('answers a wrong URL (404 on /wp-json/wc/v3) with WOOCOMMERCE_NOT_FOUND and what to check', async () => {
    // WordPress lives in /shop; the site's root answers its theme's "page not found".
    mock.use(
      ...wooCommerceHandlers(`${WOOCOMMERCE_STORE}/shop`),
      http.all(`${WOOCOMMERCE_STORE}/*`, () =>
        HttpResponse.text('<h1>Page not found</h1>', { status: 404, headers: { 'content-type': 'text/html' } }),
      ),
    );
    await expect(connector.verify(credentials(WOOCOMMERCE_STORE), context)).rejects.toMatchObject({
      code: 'WOOCOMMERCE_NOT_FOUND',
      status: 400,
      needsReconnect: true,
      message: expect.stringMatching(/HTTP 404.*WooCommerce installed.*pretty permalinks/),
    });
    // WordPress without WooCommerce active: the REST API answers, but has no such route.
    mock.resetHandlers(
      http.all(`${WOOCOMMERCE_STORE}/wp-json/*`, () =>
        HttpResponse.json(
          {
            code: 'rest_no_route',
            message: 'No route was found matching the URL and request method.',
            data: { status: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await expect(connector.verify(credentials(WOOCOMMERCE_STORE), context)).rejects.toMatchObject({
      code: 'WOOCOMMERCE_NOT_FOUND',
      details: { http_status: 404, woocommerce_code: 'rest_no_route' },
    });
  });

  it('answers a site that is not WooCommerce (a web page) with WOOCOMMERCE_NOT_FOUND, never repeating its text', async () => {
    const page = '<!doctype html><title>Welcome</title><p>internal-marker</p>';
    for (const status of [200, 404]) {
      mock.resetHandlers(
        http.all(`${WOOCOMMERCE_STORE}/*`, () =>
          HttpResponse.text(page, { status, headers: { 'content-type': 'text/html; charset=utf-8' } }),
        ),
      );
      const error = await connector.verify(credentials(), context).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toMatchObject({ code: 'WOOCOMMERCE_NOT_FOUND', details: { http_status: status } });
      expect(
        JSON.stringify({ message: (error as Error).message, details: (error as { details?: unknown }).details }),
      ).not.toContain('internal-marker');
    }
  });

  it('answers a JSON site that is not WooCommerce with WOOCOMMERCE_NOT_FOUND', async () => {
    mock.use(http.all(`${WOOCOMMERCE_STORE}/*`, () => HttpResponse.json({ ok: true, items: [] })));
    await expect(connector.verify(credentials(), context)).rejects.toMatchObject({
      code: 'WOOCOMMERCE_NOT_FOUND',
      message: expect.stringContaining("not as WooCommerce's REST API does"),
    });
  });

  it('refuses a redirecting site without following it', async () => {
    const seen = recording();
    mock.use(
      http.all(`${WOOCOMMERCE_STORE}/*`, () =>
        HttpResponse.text('', {
          status: 301,
          headers: { location: 'https://www.shop.example.com/wp-json/wc/v3/system_status' },
        }),
      ),
      http.all('https://www.shop.example.com/*', () => HttpResponse.json({ never: 'asked' })),
    );
    await expect(connector.verify(credentials(), context)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
      message: expect.stringContaining('redirect (HTTP 301)'),
      details: { reason: 'redirect' },
    });
    expect(seen.map((entry) => entry.request)).toEqual(['GET /wp-json/wc/v3/system_status']);
  });

  it('refuses private addresses and plain http before any request leaves', async () => {
    const seen = recording();
    for (const store of [
      'https://127.0.0.1',
      'https://10.0.0.5/shop',
      'https://[::1]:8443',
      'http://shop.example.com',
    ]) {
      await expect(connector.verify(credentials(store), context)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/^The store URL /),
      });
    }
    expect(seen).toEqual([]);
  });

  it('refuses a name that resolves to a private address, at connection time', async () => {
    mock.use(http.all('https://intranet.test/*', () => passthrough()));
    await expect(connector.verify(credentials('https://intranet.test'), context)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { reason: 'private_address' },
    });
  });

  it('retries 429 and 5xx, then reports them as RATE_LIMITED and PROVIDER_UNAVAILABLE', async () => {
    let calls = 0;
    mock.use(
      http.get(`${WOOCOMMERCE_STORE}/wp-json/wc/v3/system_status`, () => {
        calls += 1;
        return HttpResponse.json({}, { status: 429, headers: { 'retry-after': '0' } });
      }),
    );
    await expect(connector.verify(credentials(), context)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(calls).toBe(2);
    mock.resetHandlers(http.all(`${WOOCOMMERCE_STORE}/*`, () => HttpResponse.text('down', { status: 503 })));
    await expect(connector.verify(credentials(), context)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: 'WooCommerce is unavailable (HTTP 503). Try again shortly.',
    });
    mock.resetHandlers(http.all(`${WOOCOMMERCE_STORE}/*`, () => HttpResponse.error()));
    await expect(connector.verify(credentials(), context)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
  });
});
