import {
  declareErrorCodes,
  IntegrationError,
  maskIdentifier,
  providerUnavailable,
  rateLimited,
  unreachable,
} from '@pos/integrations-core/connector';
import Stripe from 'stripe';

/** Stripe's own error codes; the connector declares them to core as its `errorCodes`. */
export const stripeErrors = declareErrorCodes({
  STRIPE_OAUTH_FAILED: { status: 400, meaning: 'the merchant declined, or Stripe refused the code (in the redirect)' },
  STRIPE_STATE_INVALID: {
    status: 400,
    meaning: 'the OAuth state is unknown, expired, used, for another provider, or without its cookie (in the redirect)',
  },
  STRIPE_NOT_CONNECTED: {
    status: 409,
    meaning: "no connected Stripe account, or Stripe revoked the platform's access",
  },
  STRIPE_ACCOUNT_IN_USE: {
    status: 409,
    meaning: 'the Stripe account is connected to another tenant; nothing stored (in the redirect)',
  },
  STRIPE_PLATFORM_KEY_INVALID: { status: 502, meaning: "Stripe refused the platform's STRIPE_SECRET_KEY" },
  STRIPE_REQUEST_REJECTED: { status: 400, meaning: 'Stripe refused a request for another reason' },
});

const { errors } = Stripe;

function stripeDetails(error: InstanceType<typeof errors.StripeError>) {
  return { stripe_error: error.rawType ?? error.type, ...(error.code ? { stripe_code: error.code } : {}) };
}

/**
 * A Stripe API failure as one of our codes. Stripe's own messages are not passed on: they can
 * quote keys and codes. Lost access to the account → STRIPE_NOT_CONNECTED (reconnect).
 */
export function fromStripeError(error: unknown): IntegrationError {
  if (error instanceof IntegrationError) return error;
  if (!(error instanceof errors.StripeError)) {
    return new IntegrationError('PROVIDER_UNAVAILABLE', 'Stripe returned a response that could not be read.', {
      cause: error,
    });
  }
  const details = stripeDetails(error);
  if (error instanceof errors.StripeConnectionError) return unreachable('Stripe', error, { details });
  if (error instanceof errors.StripeRateLimitError) {
    return rateLimited('Stripe', { details, retryAfter: error.headers?.['retry-after'] });
  }
  if (error instanceof errors.StripeAuthenticationError) {
    return stripeErrors.error(
      'STRIPE_PLATFORM_KEY_INVALID',
      'Stripe rejected the platform secret key (STRIPE_SECRET_KEY). Check the server configuration.',
      { details },
    );
  }
  if (
    error instanceof errors.StripePermissionError ||
    error.code === 'account_invalid' ||
    (error instanceof errors.StripeInvalidRequestError && error.statusCode === 404)
  ) {
    return stripeErrors.error(
      'STRIPE_NOT_CONNECTED',
      'Stripe no longer gives this platform access to the connected account. Connect Stripe again.',
      { details, needsReconnect: true },
    );
  }
  if (error instanceof errors.StripeAPIError || (error.statusCode ?? 0) >= 500) {
    return providerUnavailable('Stripe', { details, ...(error.statusCode ? { status: error.statusCode } : {}) });
  }
  return stripeErrors.error('STRIPE_REQUEST_REJECTED', `Stripe rejected the request (${details.stripe_error}).`, {
    details,
  });
}

/** A failed code exchange: STRIPE_OAUTH_FAILED, whatever the reason, with Stripe's error type. */
export function fromStripeOAuthError(error: unknown): IntegrationError {
  if (error instanceof IntegrationError) return error;
  if (error instanceof errors.StripeOAuthError) {
    const reason =
      error instanceof errors.StripeInvalidGrantError
        ? 'the authorization code is unknown, expired or already used'
        : `Stripe answered ${error.rawType ?? 'an OAuth error'}`;
    return stripeErrors.error('STRIPE_OAUTH_FAILED', `Stripe did not complete the connection: ${reason}.`, {
      details: stripeDetails(error),
    });
  }
  const mapped = fromStripeError(error);
  return stripeErrors.error('STRIPE_OAUTH_FAILED', `Stripe did not complete the connection: ${mapped.message}`, {
    details: mapped.details,
  });
}

/** Deauthorize refused because the account is already gone: say so, the local data goes anyway. */
export function fromStripeDeauthorizeError(error: unknown, stripeUserId: string): IntegrationError {
  if (error instanceof errors.StripeInvalidClientError) {
    return stripeErrors.error(
      'STRIPE_NOT_CONNECTED',
      `Stripe reports account ${maskIdentifier(stripeUserId)} is already disconnected from this platform.`,
      { details: stripeDetails(error) },
    );
  }
  if (error instanceof errors.StripeOAuthError) {
    return stripeErrors.error(
      'STRIPE_REQUEST_REJECTED',
      `Stripe refused to disconnect the account (${error.rawType ?? 'OAuth error'}).`,
      { details: stripeDetails(error) },
    );
  }
  return fromStripeError(error);
}
