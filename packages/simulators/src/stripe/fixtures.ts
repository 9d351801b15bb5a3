/** Stripe's production hosts, which the msw simulation answers for by default. */
export const STRIPE_API = 'https://api.stripe.com';
export const STRIPE_CONNECT = 'https://connect.stripe.com';
/** The platform the simulator plays by default: its client id and secret key. */
export const STRIPE_CLIENT_ID = 'ca_TestPlatformClient0123456789';
export const STRIPE_SECRET_KEY = 'sk_test_51PlatformSecretKeyForTests000000000000';
/** The account the consent step connects by default. */
export const STRIPE_ACCOUNT_ID = 'acct_1TestConnected4242';
/** Where the consent step sends the merchant back when the authorize URL names no `redirect_uri`. */
export const STRIPE_REDIRECT_URI = 'https://pos.example.com/api/integrations/stripe/callback';
/** A Connect webhook endpoint's signing secret, for tests that configure one. */
export const STRIPE_WEBHOOK_SECRET = 'whsec_testEndpointSigningSecret0123456789';

/** A Standard connected account in the shape of `GET /v1/accounts/{id}`. */
export function stripeAccount(overrides: Record<string, unknown> = {}) {
  return {
    id: STRIPE_ACCOUNT_ID,
    object: 'account',
    type: 'standard',
    business_profile: { name: "Joe's Coffee", url: 'https://joescoffee.example', mcc: '5814' },
    settings: { dashboard: { display_name: "Joe's Coffee Roasters", timezone: 'America/Chicago' } },
    email: 'owner@joescoffee.example',
    country: 'US',
    default_currency: 'usd',
    charges_enabled: true,
    payouts_enabled: true,
    details_submitted: true,
    controller: { type: 'account' },
    ...overrides,
  };
}

export type StripeAccount = ReturnType<typeof stripeAccount>;

/** A Checkout Session as Stripe returns it. */
export interface SimulatedSession {
  id: string;
  object: 'checkout.session';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  url: string | null;
  expires_at: number;
  created: number;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  amount_total: number;
  currency: string;
  mode: 'payment';
  livemode: false;
  payment_intent: string | null;
  success_url: string;
  cancel_url: string | null;
}
