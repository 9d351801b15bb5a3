import { declareErrorCodes, IntegrationError, transientStatus, unreachable } from '@pos/integrations-core/connector';
import { FetchError } from 'ofetch';

/** Clover's own error codes; the connector declares them to core as its `errorCodes`. */
export const cloverErrors = declareErrorCodes({
  CLOVER_OAUTH_FAILED: {
    status: 400,
    meaning: 'declined, a refused code, or a token that cannot read the named merchant (in the redirect)',
  },
  CLOVER_STATE_INVALID: {
    status: 400,
    meaning: 'the OAuth state is unknown, expired, used, for another provider, or without its cookie (in the redirect)',
  },
  CLOVER_TOKEN_EXPIRED: { status: 409, meaning: 'Clover refused to renew the token: connect again' },
  CLOVER_MERCHANT_IN_USE: {
    status: 409,
    meaning: 'the Clover merchant is connected to another tenant; nothing stored (in the redirect)',
  },
  CLOVER_REQUEST_REJECTED: { status: 400, meaning: 'Clover refused a request for another reason' },
});

/** Which Clover call failed: the REST API, the code exchange or a token refresh. */
export type CloverCall = 'api' | 'token' | 'refresh';

/**
 * Clover's answer as one of our codes, by HTTP status only: its error bodies are not documented
 * and are never passed on. 401 from the REST API covers expired tokens and missing permissions
 * alike, so it asks for a refresh, then a reconnect.
 */
export function fromCloverError(error: unknown, call: CloverCall): IntegrationError {
  if (error instanceof IntegrationError) return error;
  const status = error instanceof FetchError ? error.response?.status : undefined;
  const details = status === undefined ? undefined : { clover_status: status };
  if (status === undefined) return unreachable('Clover', error);
  const headers = error instanceof FetchError ? error.response?.headers : undefined;
  const transient = transientStatus('Clover', status, { headers, ...(details ? { details } : {}) });
  if (transient) return transient;
  if (call === 'token') {
    return cloverErrors.error(
      'CLOVER_OAUTH_FAILED',
      `Clover did not accept the authorization code (HTTP ${status}). Start the connection again.`,
      { details },
    );
  }
  if (call === 'refresh' || status === 401) {
    return cloverErrors.error(
      'CLOVER_TOKEN_EXPIRED',
      call === 'refresh'
        ? `Clover refused the refresh token (HTTP ${status}).`
        : 'Clover refused the access token: it expired, was revoked, or lacks a permission the app needs.',
      { details, needsReconnect: true },
    );
  }
  return cloverErrors.error('CLOVER_REQUEST_REJECTED', `Clover rejected the request (HTTP ${status}).`, { details });
}
