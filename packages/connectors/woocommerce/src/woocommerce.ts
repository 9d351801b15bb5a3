import {
  type ApiKeyConnector,
  type ConnectorContext,
  type ConnectorCredentials,
  maskSecret,
  providerCalls,
  type RetryPolicy,
} from '@pos/integrations-core/connector';
import { z } from 'zod';
import { generalCurrency, isObject, shortText, systemStatus, total } from './answers.js';
import { CATALOGUE_RETRY, wooCommerceCatalogue } from './catalogue.js';
import { wooCommerceErrors } from './errors.js';
import { answerError, get, INDEX_PATH, REST_PATH, restReader, type WooKeys } from './rest.js';

const SYSTEM_STATUS_PATH = `${REST_PATH}/system_status`;
const GENERAL_SETTINGS_PATH = `${REST_PATH}/settings/general`;
/** One product per page: only the `X-WP-Total` header is read. */
const PRODUCT_COUNT_PATH = `${REST_PATH}/products?per_page=1`;

/**
 * The store's address as the merchant types it (`https://shop.example.com`, or a WordPress in a
 * folder: `https://example.com/shop`); a pasted `/wp-json…` or `/wp-admin…` tail is dropped.
 * Whether it may be called (public https, or a host the server allows) is the outbound guard's
 * decision, on every call.
 */
const storeUrl = z
  .string()
  .trim()
  .max(300)
  .pipe(z.url({ protocol: /^https?$/, message: 'must be the store address, e.g. https://shop.example.com' }))
  .transform((value) => {
    const url = new URL(value);
    const path = url.pathname.replace(/\/(wp-json|wp-admin)(\/.*)?$/, '').replace(/\/+$/, '');
    return `${url.origin}${path}`;
  });

const key = (prefix: 'ck' | 'cs', what: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(
      new RegExp(`^${prefix}_[A-Za-z0-9]{8,128}$`),
      `must be a WooCommerce ${what} (${prefix}_…): copy it from WooCommerce → Settings → Advanced → REST API`,
    );

export const wooCommerceCredentialsSchema = z
  .object({
    store_url: storeUrl,
    consumer_key: key('ck', 'consumer key'),
    consumer_secret: key('cs', 'consumer secret'),
  })
  .strict();

export type WooCommerceCredentialsInput = z.input<typeof wooCommerceCredentialsSchema>;
type WooCommerceCredentialsParsed = z.output<typeof wooCommerceCredentialsSchema>;
export type WooCommerceSecret = { consumer_key: string; consumer_secret: string };
export type WooCommercePublicData = {
  store_url: string;
  store_name: string;
  consumer_key_masked: string;
};
type WooCommerceCredentials = ConnectorCredentials<WooCommerceSecret, WooCommercePublicData>;

export interface WooCommerceOptions {
  /** Retries of every call; an import's calls wait longer without it (`CATALOGUE_RETRY`). */
  retry?: RetryPolicy;
  /** Per request (default 15 000). */
  timeoutMs?: number;
}

/** WooCommerce, connected with a REST API key (consumer key and secret) of the merchant's store. */
export function wooCommerce(
  options: WooCommerceOptions = {},
): ApiKeyConnector<WooCommerceCredentialsParsed, WooCommerceSecret, WooCommercePublicData> {
  const call = providerCalls({ retry: options.retry });
  const timeoutMs = options.timeoutMs ?? 15_000;

  /** An authenticated read of the REST API; anything but a JSON 2xx is thrown as one of our codes. */
  const read = restReader(call, timeoutMs);

  /** The site's title from the WordPress REST index (no key needed); null when it does not say. */
  function siteName(store: string, context: ConnectorContext): Promise<string | null> {
    return call(async () => {
      const answer = await get(context.outbound, `${store}${INDEX_PATH}`, { timeoutMs });
      const transient = answerError(answer, store);
      if (transient && (transient.code === 'RATE_LIMITED' || transient.code === 'PROVIDER_UNAVAILABLE')) {
        throw transient;
      }
      return answer.status === 200 && isObject(answer.body) ? shortText(answer.body.name) : null;
    });
  }

  /** `GET /system_status`, which checks the key; a JSON answer without its `environment` is not WooCommerce's. */
  async function readStatus(store: string, keys: WooKeys, context: ConnectorContext) {
    const { body } = await read(store, SYSTEM_STATUS_PATH, keys, context);
    if (!isObject(body) || !isObject(body.environment)) {
      throw wooCommerceErrors.error(
        'WOOCOMMERCE_NOT_FOUND',
        `${store}${REST_PATH} answered, but not as WooCommerce's REST API does. Check the store URL.`,
        { needsReconnect: true },
      );
    }
    return systemStatus(body);
  }

  const statusOf = ({ secret, publicData }: WooCommerceCredentials, context: ConnectorContext) =>
    readStatus(publicData.store_url, secret, context);

  return {
    id: 'woocommerce',
    displayName: 'WooCommerce',
    labels: {
      store_name: 'Store',
      store_url: 'Store URL',
      woocommerce_version: 'WooCommerce version',
      wordpress_version: 'WordPress version',
      currency: 'Currency',
      product_count: 'Products',
    },
    disconnectNote:
      'The REST API key stays valid in WordPress until you revoke it: in WooCommerce → Settings → Advanced → REST API, choose Revoke on the key.',
    kind: 'api_key',
    errorCodes: wooCommerceErrors.table,
    credentialsSchema: wooCommerceCredentialsSchema,
    credentialFields: [
      {
        name: 'store_url',
        label: 'Store URL',
        secret: false,
        required: true,
        placeholder: 'https://shop.example.com',
      },
      { name: 'consumer_key', label: 'Consumer key', secret: true, required: true, placeholder: 'ck_…' },
      { name: 'consumer_secret', label: 'Consumer secret', secret: true, required: true, placeholder: 'cs_…' },
    ],

    async verify({ store_url, consumer_key, consumer_secret }, context) {
      const keys = { consumer_key, consumer_secret };
      // The keys first: nothing else is worth asking a store that refuses them.
      await readStatus(store_url, keys, context);
      const name = await siteName(store_url, context);
      return {
        secret: keys,
        publicData: {
          store_url,
          store_name: name ?? new URL(store_url).host,
          consumer_key_masked: maskSecret(consumer_key),
        },
      };
    },

    async summary(credentials, context) {
      const { secret, publicData } = credentials;
      const store = publicData.store_url;
      const [name, status, settings, products] = await Promise.all([
        siteName(store, context),
        statusOf(credentials, context),
        read(store, GENERAL_SETTINGS_PATH, secret, context),
        read(store, PRODUCT_COUNT_PATH, secret, context),
      ]);
      return {
        store_name: name ?? publicData.store_name,
        store_url: store,
        woocommerce_version: status.woocommerce_version,
        wordpress_version: status.wordpress_version,
        currency: generalCurrency(settings.body) ?? status.currency,
        product_count: total(products),
      };
    },

    async test(credentials, context) {
      const status = await statusOf(credentials, context);
      const version = status.woocommerce_version
        ? ` runs WooCommerce ${status.woocommerce_version}`
        : ' accepts the key';
      return { message: `WooCommerce answered: ${credentials.publicData.store_name}${version}.` };
    },

    catalogue: wooCommerceCatalogue(restReader(providerCalls({ retry: options.retry ?? CATALOGUE_RETRY }), timeoutMs)),

    statusFields(publicData) {
      return {
        store_url: publicData.store_url,
        store_name: publicData.store_name,
        consumer_key_masked: publicData.consumer_key_masked,
      };
    },
  };
}
