import {
  declareErrorCodes,
  IntegrationError,
  providerUnavailable,
  transientStatus,
  unreachable,
} from '@pos/integrations-core/connector';
import { SquareError, SquareTimeoutError } from 'square';

/** Square's own error codes; the connector declares them to core as its `errorCodes`. */
export const squareErrors = declareErrorCodes({
  SQUARE_INVALID_TOKEN: { status: 400, meaning: 'Square refused the access token' },
  SQUARE_LOCATION_NOT_FOUND: { status: 400, meaning: 'the token has no location with that id' },
  SQUARE_REQUEST_REJECTED: { status: 400, meaning: 'Square refused a request for another reason' },
});

const TOKEN_CODES = new Set(['UNAUTHORIZED', 'ACCESS_TOKEN_EXPIRED', 'ACCESS_TOKEN_REVOKED', 'CLIENT_DISABLED']);

function firstError(error: SquareError) {
  const [first] = error.errors;
  return first ? { code: String(first.code), detail: first.detail ?? undefined } : undefined;
}

/** What a call reads, for the message of a 403: in words, and the permission the token needs for it. */
export interface SquareRead {
  what: string;
  permission: string;
}

const LOCATIONS: SquareRead = { what: 'locations', permission: 'MERCHANT_PROFILE_READ' };

/**
 * Square's answer as one of our codes: token problems → SQUARE_INVALID_TOKEN, an unknown
 * location → SQUARE_LOCATION_NOT_FOUND, 429 → RATE_LIMITED, outages → PROVIDER_UNAVAILABLE.
 * `read` says what the call was reading (locations unless told), so a token without the
 * permission is told which one it needs.
 */
export function fromSquareError(error: unknown, read: SquareRead = LOCATIONS): IntegrationError {
  if (error instanceof IntegrationError) return error;
  if (error instanceof SquareTimeoutError) return providerUnavailable('Square', { timedOut: true, cause: error });
  if (!(error instanceof SquareError)) {
    return new IntegrationError('PROVIDER_UNAVAILABLE', 'Square returned a response that could not be read.', {
      cause: error,
    });
  }
  const status = error.statusCode;
  const square = firstError(error);
  const details = square ? { square_code: square.code } : undefined;
  if (status === undefined) return unreachable('Square', error);
  if (status === 401 || (square && TOKEN_CODES.has(square.code))) {
    const reason =
      square?.code === 'ACCESS_TOKEN_EXPIRED'
        ? 'has expired'
        : square?.code === 'ACCESS_TOKEN_REVOKED'
          ? 'was revoked'
          : 'was rejected';
    return squareErrors.error(
      'SQUARE_INVALID_TOKEN',
      `The Square access token ${reason}. Paste a valid access token.`,
      {
        details,
        needsReconnect: true,
      },
    );
  }
  if (status === 403) {
    return squareErrors.error(
      'SQUARE_INVALID_TOKEN',
      `The Square access token may not read ${read.what}: it needs the ${read.permission} permission.`,
      { details, needsReconnect: true },
    );
  }
  if (status === 404 && read === LOCATIONS) {
    return squareErrors.error(
      'SQUARE_LOCATION_NOT_FOUND',
      'Square has no location with that id for this access token.',
      {
        details,
      },
    );
  }
  const transient = transientStatus('Square', status, {
    headers: error.rawResponse?.headers,
    ...(details ? { details } : {}),
  });
  if (transient) return transient;
  return squareErrors.error(
    'SQUARE_REQUEST_REJECTED',
    `Square rejected the request (HTTP ${status}${square ? `, ${square.code}` : ''}).`,
    { details },
  );
}
