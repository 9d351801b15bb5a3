import { declareErrorCodes } from '@pos/integrations-core/connector';

/** WooCommerce's own error codes; the connector declares them to core as its `errorCodes`. */
export const wooCommerceErrors = declareErrorCodes({
  WOOCOMMERCE_INVALID_KEYS: {
    status: 400,
    meaning: 'WooCommerce refused the consumer key or secret, or their user may not read the store',
  },
  WOOCOMMERCE_NOT_FOUND: {
    status: 400,
    meaning: 'no WooCommerce REST API at the store URL (is WooCommerce installed and are pretty permalinks on?)',
  },
  WOOCOMMERCE_REQUEST_REJECTED: { status: 400, meaning: 'WooCommerce refused a request for another reason' },
});
