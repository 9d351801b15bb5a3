export {
  MAX_SESSION_MINUTES,
  MIN_SESSION_MINUTES,
  type StripeCheckoutOptions,
  stripeCheckout,
  WEBHOOK_TOLERANCE_SECONDS,
} from './checkout.js';
export {
  createStripeClient,
  type Lazy,
  STRIPE_API_BASE,
  STRIPE_CONNECT_BASE,
  type StripeClientOptions,
} from './client.js';
export { fromStripeDeauthorizeError, fromStripeError, fromStripeOAuthError, stripeErrors } from './errors.js';
export {
  STRIPE_REQUIRED_ENV,
  type StripeConnector,
  type StripeEnvDefaults,
  type StripeOptions,
  type StripePublicData,
  type StripeSecret,
  stripe,
  stripeAccountName,
  stripeFromEnv,
} from './stripe.js';
