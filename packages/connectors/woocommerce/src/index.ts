export { wooCommerceErrors } from './errors.js';
export {
  type WooCommerceCredentialsInput,
  type WooCommerceOptions,
  type WooCommercePublicData,
  type WooCommerceSecret,
  wooCommerce,
  wooCommerceCredentialsSchema,
} from './woocommerce.js';
