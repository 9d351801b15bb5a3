import { json, type SimulatedRequest, simulator } from '../exchange.js';
import { createWooCommerceCatalogue, type WooCommerceCatalogue, type WooObject, wpError } from './catalogue.js';
import {
  WOOCOMMERCE_CONSUMER_KEY,
  WOOCOMMERCE_CONSUMER_SECRET,
  type WooCommerceStore,
  wooCommerceProducts,
  wooCommerceStore,
} from './fixtures.js';

const REST = '/wp-json/wc/v3';

export interface WooCommerceSimulatorOptions {
  consumerKey?: string;
  consumerSecret?: string;
  store?: Partial<WooCommerceStore>;
  /** The catalogue (`wooCommerceProducts()` by default). */
  products?: WooObject[];
  /** The variations of variable products, by product id. */
  variations?: Record<number, WooObject[]>;
  customers?: WooObject[];
  /** A catalogue the caller keeps and changes (`createWooCommerceCatalogue`); replaces the three above. */
  catalogue?: WooCommerceCatalogue;
}

/** The key pair of a request: HTTP Basic first, else the query string (as WooCommerce checks them). */
function keysOf(request: SimulatedRequest): { key: string; secret: string } | undefined {
  const authorization = request.headers.get('authorization') ?? '';
  if (authorization.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  const key = request.query.get('consumer_key');
  const secret = request.query.get('consumer_secret');
  return key && secret ? { key, secret } : undefined;
}

/**
 * A simulated WooCommerce store (WordPress with WooCommerce, pretty permalinks on): the REST
 * index `GET /wp-json` (no key), and below `/wp-json/wc/v3` with the accepted key
 * `system_status`, `settings/general`, `products`, `products/{id}`, `products/{id}/variations`
 * and `customers` (paged as WordPress pages, see `./catalogue.ts`). An unknown
 * consumer key is anonymous (401 `woocommerce_rest_cannot_view`), a wrong secret 401
 * `woocommerce_rest_authentication_error`, an unknown route 404 `rest_no_route`. Every answer
 * carries `X-Simulated: woocommerce`.
 */
export function createWooCommerceSimulator(options: WooCommerceSimulatorOptions = {}) {
  const consumerKey = options.consumerKey ?? WOOCOMMERCE_CONSUMER_KEY;
  const consumerSecret = options.consumerSecret ?? WOOCOMMERCE_CONSUMER_SECRET;
  const store = wooCommerceStore(options.store);
  const catalogue =
    options.catalogue ??
    createWooCommerceCatalogue({
      products: options.products ?? wooCommerceProducts(),
      ...(options.variations ? { variations: options.variations } : {}),
      ...(options.customers ? { customers: options.customers } : {}),
    });

  /** 401 as WooCommerce answers it, or undefined when the request carries the accepted key. */
  function refused(request: SimulatedRequest) {
    const keys = keysOf(request);
    if (keys?.key === consumerKey) {
      return keys.secret === consumerSecret
        ? undefined
        : wpError(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.');
    }
    return wpError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
  }

  const authenticated =
    (answer: (request: SimulatedRequest, params: Record<string, string>) => ReturnType<typeof json>) =>
    (request: SimulatedRequest, params: Record<string, string>) =>
      refused(request) ?? answer(request, params);

  return simulator('woocommerce', [
    [
      'GET',
      '/wp-json',
      (request) =>
        json(200, {
          name: store.name,
          description: store.description,
          url: request.root,
          home: request.root,
          gmt_offset: 0,
          timezone_string: 'Europe/London',
          namespaces: ['oembed/1.0', 'wc/store/v1', 'wc/v3', 'wp/v2'],
          authentication: [],
        }),
    ],
    [
      'GET',
      `${REST}/system_status`,
      authenticated((request) =>
        json(200, {
          environment: {
            home_url: request.root,
            site_url: request.root,
            wc_version: store.wcVersion,
            wp_version: store.wpVersion,
          },
          settings: {
            api_enabled: true,
            currency: store.currency,
            currency_symbol: store.currency === 'GBP' ? '£' : store.currency,
            number_of_decimals: 2,
          },
        }),
      ),
    ],
    [
      'GET',
      `${REST}/settings/general`,
      authenticated(() =>
        json(200, [
          { id: 'woocommerce_store_address', label: 'Address line 1', type: 'text', value: '12 High St' },
          { id: 'woocommerce_store_city', label: 'City', type: 'text', value: 'Bristol' },
          { id: 'woocommerce_default_country', label: 'Country and state', type: 'select', value: 'GB' },
          { id: 'woocommerce_currency', label: 'Currency', type: 'select', value: store.currency },
          { id: 'woocommerce_price_num_decimals', label: 'Number of decimals', type: 'number', value: '2' },
        ]),
      ),
    ],
    ['GET', `${REST}/products`, authenticated((request) => catalogue.listProducts(request))],
    ['GET', `${REST}/products/:id`, authenticated((_request, { id }) => catalogue.getProduct(id as string))],
    [
      'GET',
      `${REST}/products/:id/variations`,
      authenticated((request, { id }) => catalogue.listVariations(request, id as string)),
    ],
    ['GET', `${REST}/customers`, authenticated((request) => catalogue.listCustomers(request))],
    [
      '*',
      `${REST}/:rest`,
      () => wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.'),
    ],
  ]);
}
