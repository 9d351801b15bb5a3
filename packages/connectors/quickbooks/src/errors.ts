import {
  declareErrorCodes,
  IntegrationError,
  type JsonObject,
  transientStatus,
  unreachable,
} from '@pos/integrations-core/connector';
import { FetchError } from 'ofetch';

/** QuickBooks' own error codes; the connector declares them to core as its `errorCodes`. */
export const quickbooksErrors = declareErrorCodes({
  QUICKBOOKS_OAUTH_FAILED: {
    status: 400,
    meaning:
      'declined, a refused code, or a token that cannot read the company named in the redirect (in the redirect)',
  },
  QUICKBOOKS_STATE_INVALID: {
    status: 400,
    meaning: 'the OAuth state is unknown, expired, used, for another provider, or without its cookie (in the redirect)',
  },
  QUICKBOOKS_TOKEN_EXPIRED: {
    status: 409,
    meaning: 'Intuit refused to renew the token (`invalid_grant`) or refused the renewed one: connect again',
  },
  QUICKBOOKS_COMPANY_IN_USE: {
    status: 409,
    meaning: 'the QuickBooks company is connected to another tenant; nothing stored (in the redirect)',
  },
  QUICKBOOKS_RECEIPT_REJECTED: {
    status: 400,
    meaning:
      'QuickBooks refused to record a sales or refund receipt; its message says why (the entry is marked failed)',
  },
  QUICKBOOKS_REQUEST_REJECTED: {
    status: 400,
    meaning: "QuickBooks refused a request for another reason; its fault's message is passed on",
  },
});

/** Which Intuit call failed: the Accounting API, the code exchange, a token refresh or a revocation. */
export type QuickBooksCall = 'api' | 'token' | 'refresh' | 'revoke';

/** The first error of an Accounting API fault; Intuit spells its keys in either case. */
export interface QuickBooksFault {
  type?: string;
  code?: string;
  message?: string;
  detail?: string;
}

/** A property of an Intuit answer, whatever the case of its name (Intuit spells keys both ways). */
export function field(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const key = Object.keys(value).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (value as Record<string, unknown>)[key];
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** Reads `{ Fault: { Error: [{ Message, Detail, code }], type } }` from an answer body, any key case. */
export function readFault(body: unknown): QuickBooksFault | undefined {
  const fault = field(body, 'fault');
  if (fault === undefined) return undefined;
  const errors = field(fault, 'error');
  const first = Array.isArray(errors) ? errors[0] : undefined;
  return {
    type: text(field(fault, 'type')),
    code: text(field(first, 'code')),
    message: text(field(first, 'message')),
    detail: text(field(first, 'detail')),
  };
}

/** The `error` of an OAuth error answer (`invalid_grant`, `invalid_client`, …). */
export function readOAuthError(body: unknown): string | undefined {
  const error = text(field(body, 'error'));
  return error && /^[a-z_]{1,64}$/.test(error) ? error : undefined;
}

function answerOf(error: unknown) {
  if (!(error instanceof FetchError) || !error.response) return undefined;
  return { status: error.response.status, headers: error.response.headers, body: error.data as unknown };
}

/** Public facts about a refused call, for the error body and the logs. */
function detailsOf(status: number, headers: Headers, fault?: QuickBooksFault, oauthError?: string): JsonObject {
  const tid = headers.get('intuit_tid');
  return {
    quickbooks_status: status,
    ...(fault?.code ? { quickbooks_code: fault.code } : {}),
    ...(oauthError ? { oauth_error: oauthError } : {}),
    ...(tid ? { intuit_tid: tid } : {}),
  };
}

/** What a fault says, in one sentence. */
function describe(fault: QuickBooksFault | undefined): string {
  if (!fault?.message) return '';
  const detail = fault.detail && fault.detail !== fault.message ? `: ${fault.detail}` : '';
  return ` ${fault.message}${detail}${fault.code ? ` (code ${fault.code})` : ''}.`;
}

/**
 * Intuit's answer as one of our codes. Token calls answer OAuth errors: `invalid_grant` on a
 * refresh means the refresh token is dead (expired, revoked, superseded), so the merchant must
 * connect again. The Accounting API answers faults: 401 (`3200`) is an access token Intuit no
 * longer accepts, which asks core for one renewal, then a reconnect.
 */
export function fromQuickBooksError(error: unknown, call: QuickBooksCall): IntegrationError {
  if (error instanceof IntegrationError) return error;
  const answer = answerOf(error);
  if (!answer) return unreachable('QuickBooks', error);
  const { status, headers, body } = answer;
  const fault = readFault(body);
  const oauthError = readOAuthError(body);
  const details = detailsOf(status, headers, fault, oauthError);
  const transient = transientStatus('QuickBooks', status, { headers, details });
  if (transient) return transient;
  const named = oauthError ? ` (${oauthError})` : ` (HTTP ${status})`;
  if (call === 'token') {
    return quickbooksErrors.error(
      'QUICKBOOKS_OAUTH_FAILED',
      `Intuit did not accept the authorization code${named}. Start the connection again.`,
      { details },
    );
  }
  if (call === 'refresh') {
    if (oauthError === 'invalid_grant') {
      return quickbooksErrors.error(
        'QUICKBOOKS_TOKEN_EXPIRED',
        'Intuit refused the refresh token (invalid_grant): it expired, was revoked, or was replaced by a newer one.',
        { details, needsReconnect: true },
      );
    }
    return quickbooksErrors.error(
      'QUICKBOOKS_REQUEST_REJECTED',
      `Intuit refused to renew the access token${named}. Check QuickBooks' client id and secret.`,
      { details },
    );
  }
  if (call === 'api' && status === 401) {
    return quickbooksErrors.error(
      'QUICKBOOKS_TOKEN_EXPIRED',
      'QuickBooks refused the access token: it expired or the app was disconnected.',
      { details, needsReconnect: true },
    );
  }
  const what = call === 'revoke' ? 'Intuit refused to revoke the token' : 'QuickBooks rejected the request';
  return quickbooksErrors.error('QUICKBOOKS_REQUEST_REJECTED', `${what}${named}.${describe(fault)}`, { details });
}
