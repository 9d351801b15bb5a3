/** Re-exported from core's connector toolkit, where it now lives. */
export type { Lazy } from '@pos/integrations-core/connector';
export {
  MAX_SESSION_MINUTES,
  MIN_SESSION_MINUTES,
  type StripeCheckoutOptions,
  stripeCheckout,
  WEBHOOK_TOLERANCE_SECONDS,
} from './checkout.js';
export {
  createStripeClient,
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
