export {
  createStripeClient,
  type Lazy,
  STRIPE_API_BASE,
  STRIPE_CONNECT_BASE,
  type StripeClientOptions,
} from './client.js';
export { fromStripeDeauthorizeError, fromStripeError, fromStripeOAuthError } from './errors.js';
export {
  STRIPE_REQUIRED_ENV,
  type StripeConnector,
  type StripeOptions,
  type StripePublicData,
  type StripeSecret,
  stripe,
  stripeAccountName,
  stripeFromEnv,
} from './stripe.js';
