import {
  authorizationUrl,
  IntegrationError,
  type Lazy,
  maskIdentifier,
  type OAuthConnector,
  providerCalls,
  type RetryPolicy,
  readEnv,
  resolveBase,
  resolveLazy,
} from '@pos/integrations-core/connector';
import type Stripe from 'stripe';
import { type StripeCheckoutOptions, stripeCheckout } from './checkout.js';
import { createStripeClient, STRIPE_CONNECT_BASE, type StripeClientOptions } from './client.js';
import { fromStripeDeauthorizeError, fromStripeError, fromStripeOAuthError, stripeErrors } from './errors.js';

const AUTHORIZE_PATH = '/oauth/authorize';
// Only Stripe "Extensions" may ask for read_only; platforms connecting accounts need read_write.
const SCOPE = 'read_write';

export interface StripeOptions extends StripeClientOptions {
  /** The platform's Connect client id (`ca_…`), live or test. */
  clientId: string;
  /** Must match a redirect URI in the Connect settings; Stripe uses the first one when omitted. */
  redirectUri?: Lazy<string>;
  /** For reading accounts (never for the code exchange); default 3 attempts. */
  retry?: RetryPolicy;
  /**
   * Turns on payments: Checkout Sessions on the connected account for POS orders, settled by
   * the Connect webhook signed with `webhookSecret`.
   */
  checkout?: StripeCheckoutOptions;
}

/** Deprecated by Stripe but still returned; kept sealed for integrations that use them. */
export type StripeSecret = Partial<Record<'access_token' | 'refresh_token', string>>;

export type StripePublicData = {
  stripe_user_id: string;
  scope: string;
  livemode: boolean;
  business_name: string | null;
  country: string | null;
  default_currency: string | null;
};

export type StripeConnector = OAuthConnector<StripeSecret, StripePublicData> & {
  /** The SDK client, authenticated with the platform key and routed to the configured bases. */
  readonly client: Stripe;
};

/** Whether a platform key is a live one (`sk_live_…`, `rk_live_…`); test keys only see test events. */
function isLiveKey(secretKey: string): boolean {
  return /^(sk|rk)_live_/.test(secretKey);
}

/** The name a merchant recognises: dashboard display name → business name → email → account id. */
export function stripeAccountName(account: Stripe.Account): string {
  return account.settings?.dashboard?.display_name || account.business_profile?.name || account.email || account.id;
}

function checkOptions(options: StripeOptions): void {
  if (!/^ca_[A-Za-z0-9]+$/.test(options.clientId)) {
    throw new IntegrationError('VALIDATION_FAILED', 'The Stripe client id must be a Connect client id (ca_…).');
  }
  if (!/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/.test(options.secretKey)) {
    throw new IntegrationError('VALIDATION_FAILED', 'The Stripe secret key must be a platform secret key (sk_…).');
  }
}

/** Stripe Connect (Standard accounts) through OAuth, with the official SDK. */
export function stripe(options: StripeOptions): StripeConnector {
  checkOptions(options);
  const client = createStripeClient(options);
  const call = providerCalls({ retry: options.retry, mapError: fromStripeError });
  const retrieveAccount = (accountId: string) => call(() => client.accounts.retrieve(accountId));

  return {
    id: 'stripe',
    displayName: 'Stripe',
    labels: {
      business_name: 'Business',
      default_currency: 'Currency',
      account_id_masked: 'Account',
      charges_enabled: 'Card payments enabled',
      payouts_enabled: 'Payouts enabled',
      details_submitted: 'Account details submitted',
    },
    kind: 'oauth',
    errorCodes: stripeErrors.table,
    notConnectedCode: 'STRIPE_NOT_CONNECTED',
    stateInvalidCode: 'STRIPE_STATE_INVALID',
    oauthFailedCode: 'STRIPE_OAUTH_FAILED',
    // One acct_… per tenant: disconnecting deauthorizes the platform for the whole account.
    account: {
      accountId: (data) => data.stripe_user_id,
      inUseCode: 'STRIPE_ACCOUNT_IN_USE',
      label: 'Stripe account',
      // What the seed's stripe_connected_accounts held beside the account id.
      details: (data) => ({
        scope: data.scope,
        livemode: data.livemode,
        business_name: data.business_name,
        country: data.country,
        default_currency: data.default_currency,
      }),
    },
    client,
    ...(options.checkout ? { checkout: stripeCheckout(client, options.checkout, isLiveKey(options.secretKey)) } : {}),

    authorizationUrl(state) {
      const base = resolveBase(options.connectBase ?? STRIPE_CONNECT_BASE);
      return authorizationUrl(`${base}${AUTHORIZE_PATH}`, {
        response_type: 'code',
        client_id: options.clientId,
        scope: SCOPE,
        state,
        redirect_uri: (options.redirectUri && resolveLazy(options.redirectUri)) || undefined,
      });
    },

    async exchange({ code }, context) {
      let token: Stripe.OAuthToken;
      try {
        // One attempt, no retries: "consuming an authorization code more than once revokes the connection".
        token = await client.oauth.token({ grant_type: 'authorization_code', code });
      } catch (error) {
        throw fromStripeOAuthError(error);
      }
      const accountId = token.stripe_user_id;
      if (!accountId) {
        throw stripeErrors.error('STRIPE_OAUTH_FAILED', 'Stripe answered without a connected account id.');
      }
      let account: Stripe.Account | undefined;
      try {
        account = await retrieveAccount(accountId);
      } catch (error) {
        // The code is spent and the account connected: keep it, the summary reads the details later.
        context.logger.warn(
          {
            tenant_id: context.tenantId,
            error_code: error instanceof IntegrationError ? error.code : 'PROVIDER_UNAVAILABLE',
          },
          'Stripe account details unavailable at connect time',
        );
      }
      const secret: StripeSecret = {};
      if (token.access_token) secret.access_token = token.access_token;
      if (token.refresh_token) secret.refresh_token = token.refresh_token;
      return {
        secret,
        publicData: {
          stripe_user_id: accountId,
          scope: token.scope ?? SCOPE,
          livemode: token.livemode ?? false,
          business_name: account ? stripeAccountName(account) : null,
          country: account?.country ?? null,
          default_currency: account?.default_currency ?? null,
        },
      };
    },

    async summary({ publicData }) {
      const account = await retrieveAccount(publicData.stripe_user_id);
      return {
        business_name: stripeAccountName(account),
        country: account.country ?? null,
        default_currency: account.default_currency ?? null,
        account_id_masked: maskIdentifier(account.id),
        charges_enabled: account.charges_enabled ?? false,
        payouts_enabled: account.payouts_enabled ?? false,
        details_submitted: account.details_submitted ?? false,
      };
    },

    async test({ publicData }) {
      const account = await retrieveAccount(publicData.stripe_user_id);
      return {
        message: `Stripe answered: account ${maskIdentifier(account.id)} (${stripeAccountName(account)}) is reachable.`,
      };
    },

    async revoke({ publicData }) {
      try {
        await client.oauth.deauthorize({ client_id: options.clientId, stripe_user_id: publicData.stripe_user_id });
      } catch (error) {
        throw fromStripeDeauthorizeError(error, publicData.stripe_user_id);
      }
    },

    statusFields(publicData) {
      return {
        account_id: publicData.stripe_user_id,
        business_name: publicData.business_name,
        livemode: publicData.livemode,
        scope: publicData.scope,
      };
    },
  };
}

/** The variables `stripeFromEnv` needs; without them Stripe is not configured. */
export const STRIPE_REQUIRED_ENV = ['STRIPE_CLIENT_ID', 'STRIPE_SECRET_KEY'] as const;

/** Defaults `stripeFromEnv` falls back on when the environment leaves them out. */
export interface StripeEnvDefaults {
  /** The checkout success URL when `STRIPE_CHECKOUT_SUCCESS_URL` is unset. */
  successUrl?: Lazy<string>;
  /** The checkout cancel URL when `STRIPE_CHECKOUT_CANCEL_URL` is unset. */
  cancelUrl?: Lazy<string>;
}

function checkoutFromEnv(
  read: (name: string) => string | undefined,
  defaults: StripeEnvDefaults,
): StripeCheckoutOptions | undefined {
  const webhookSecret = read('STRIPE_WEBHOOK_SECRET');
  if (!webhookSecret) return undefined;
  const successUrl = read('STRIPE_CHECKOUT_SUCCESS_URL') ?? defaults.successUrl;
  if (!successUrl) {
    throw new IntegrationError(
      'VALIDATION_FAILED',
      'Stripe Checkout needs STRIPE_CHECKOUT_SUCCESS_URL: where customers land after paying.',
    );
  }
  const cancelUrl = read('STRIPE_CHECKOUT_CANCEL_URL') ?? defaults.cancelUrl;
  const minutes = read('STRIPE_CHECKOUT_EXPIRES_MINUTES');
  const feeBps = read('STRIPE_APPLICATION_FEE_BPS');
  const bps = feeBps === undefined ? undefined : Number(feeBps);
  if (bps !== undefined && (!Number.isInteger(bps) || bps < 0 || bps > 10_000)) {
    throw new IntegrationError(
      'VALIDATION_FAILED',
      'STRIPE_APPLICATION_FEE_BPS must be a whole number of basis points from 0 to 10000.',
    );
  }
  return {
    webhookSecret,
    successUrl,
    ...(cancelUrl ? { cancelUrl } : {}),
    ...(minutes !== undefined ? { expiresAfterMinutes: Number(minutes) } : {}),
    ...(bps ? { applicationFeeAmount: ({ amount }) => Math.floor((amount * bps) / 10_000) } : {}),
  };
}

/**
 * Reads `STRIPE_CLIENT_ID`, `STRIPE_SECRET_KEY`, `STRIPE_REDIRECT_URI` and the optional base
 * overrides `STRIPE_API_BASE` and `STRIPE_CONNECT_BASE`. With `STRIPE_WEBHOOK_SECRET` (several
 * comma-separated while rolling) it also turns on Checkout: `STRIPE_CHECKOUT_SUCCESS_URL`,
 * `STRIPE_CHECKOUT_CANCEL_URL`, `STRIPE_CHECKOUT_EXPIRES_MINUTES` (30–1440, default 60) and
 * `STRIPE_APPLICATION_FEE_BPS` (the platform fee in basis points of each order).
 */
export function stripeFromEnv(
  env: Record<string, string | undefined> = process.env,
  defaults: StripeEnvDefaults = {},
): StripeConnector {
  const reader = readEnv('Stripe', env);
  const required = reader.required(STRIPE_REQUIRED_ENV);
  const read = reader.optional;
  const redirectUri = read('STRIPE_REDIRECT_URI');
  const apiBase = read('STRIPE_API_BASE');
  const connectBase = read('STRIPE_CONNECT_BASE');
  const checkout = checkoutFromEnv(read, defaults);
  return stripe({
    clientId: required.STRIPE_CLIENT_ID,
    secretKey: required.STRIPE_SECRET_KEY,
    ...(redirectUri ? { redirectUri } : {}),
    ...(apiBase ? { apiBase } : {}),
    ...(connectBase ? { connectBase } : {}),
    ...(checkout ? { checkout } : {}),
  });
}
