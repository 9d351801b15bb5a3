import { randomBytes } from 'node:crypto';
import { json, type SimulatedRequest, type SimulatedResponse } from '../exchange.js';
import { signedTokens, type TokenClaims } from '../tokens.js';
import {
  QUICKBOOKS_CLIENT_ID,
  QUICKBOOKS_CLIENT_SECRET,
  QUICKBOOKS_REALM_ID,
  type QuickBooksCompany,
  type QuickBooksCurrency,
  quickbooksCompany,
  quickbooksCurrency,
} from './fixtures.js';

export interface QuickBooksSimulatorOptions {
  /** The app's client id and secret (the fixtures' by default). */
  clientId?: string;
  clientSecret?: string;
  /** The company the consent page connects. */
  realmId?: string;
  company?: QuickBooksCompany;
  currency?: QuickBooksCurrency;
  /** Decides token and code expiry; share the server's clock to move time in tests. */
  clock?: { now(): Date };
  /** How long access tokens live (Intuit: one hour); a function is read at every issue. */
  accessTtlSeconds?: number | (() => number);
  /** Hold token refreshes this long, so concurrent callers really overlap. */
  refreshDelayMs?: number;
  /** The app's registered redirect URI; when set, any other is refused (Intuit matches it exactly). */
  redirectUri?: () => string;
  /** Signs the tokens; a fixed key keeps tokens valid across restarts (default: a random one). */
  signingKey?: string;
}

/** Intuit's refresh tokens last about 100 days without use (`x_refresh_token_expires_in`). */
const REFRESH_TTL_SECONDS = 8_726_400;

/**
 * The state every part of the simulated QuickBooks shares: the app, the company, the tokens it
 * issued (signed, with the consent they descend from), the grants revoked, and request counts.
 */
export function quickbooksState(options: QuickBooksSimulatorOptions = {}) {
  const clock = options.clock ?? { now: () => new Date() };
  const tokens = signedTokens(options.signingKey ?? randomBytes(32).toString('hex'), {
    access: 'eyJsim',
    refresh: 'AB11sim',
  });
  const realmId = options.realmId ?? QUICKBOOKS_REALM_ID;
  const seconds = () => Math.floor(clock.now().getTime() / 1000);
  const ttl = options.accessTtlSeconds ?? 3600;
  const revokedGrants = new Set<string>();
  /** Every pair handed out, newest last. */
  const issued: Array<{ access_token: string; refresh_token: string }> = [];
  const clientId = options.clientId ?? QUICKBOOKS_CLIENT_ID;
  const clientSecret = options.clientSecret ?? QUICKBOOKS_CLIENT_SECRET;

  /** The claims of a live token of `kind` whose consent was not revoked. */
  function live(token: string, kind: 'access' | 'refresh'): TokenClaims | undefined {
    const claims = tokens.verify(token, kind, seconds());
    return claims && !revokedGrants.has(claims.grant) ? claims : undefined;
  }

  return {
    clientId,
    clientSecret,
    realmId,
    company: options.company ?? quickbooksCompany(),
    currency: options.currency ?? quickbooksCurrency(),
    clock,
    seconds,
    refreshDelayMs: options.refreshDelayMs ?? 0,
    redirectUri: options.redirectUri,
    tokens,
    revokedGrants,
    issued,
    /** Authorization codes: single use, for one redirect URI and one consent. */
    codes: new Map<string, { status: 'issued' | 'used'; expires: number; redirectUri: string; grant: string }>(),
    /** Refresh tokens already traded for a new pair. */
    spentRefreshTokens: new Set<string>(),
    /** Requests seen per endpoint. */
    calls: { token: 0, refresh: 0, revoke: 0, companyinfo: 0, preferences: 0 },

    /** Intuit's token response for a new pair under `grant`. */
    issuePair(grant: string) {
      const accessTtl = typeof ttl === 'function' ? ttl() : ttl;
      const pair = {
        access_token: tokens.issue('access', realmId, seconds() + accessTtl, grant),
        refresh_token: tokens.issue('refresh', realmId, seconds() + REFRESH_TTL_SECONDS, grant),
      };
      issued.push(pair);
      return { token_type: 'bearer', ...pair, expires_in: accessTtl, x_refresh_token_expires_in: REFRESH_TTL_SECONDS };
    },

    live,

    /** Whether the request's Basic credentials are the app's (token and revoke endpoints). */
    appAuthenticated(request: SimulatedRequest): boolean {
      const header = request.headers.get('authorization') ?? '';
      if (!header.startsWith('Basic ')) return false;
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      return decoded === `${clientId}:${clientSecret}`;
    },

    /** Whether `token` is a live access token for the simulated company. */
    acceptsAccessToken(token: string): boolean {
      return live(token, 'access')?.subject === realmId;
    },

    /** Whether the request's bearer token is a live access token for `realm`. */
    authorized(request: SimulatedRequest, realm: string): boolean {
      const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
      const claims = live(token, 'access');
      return claims !== undefined && claims.subject === realm && realm === realmId;
    },
  };
}

export type QuickBooksState = ReturnType<typeof quickbooksState>;

/** An OAuth error as Intuit's token endpoint answers it: `{ error, error_description }`. */
export const oauthError = (status: number, error: string, description: string) =>
  json(status, { error, error_description: description });

let transactions = 0;
/** Intuit's support transaction id, on every API answer. */
export const intuitTid = () => `1-${Date.now().toString(16)}-${(transactions++).toString(16).padStart(8, '0')}sim`;

/** An Accounting API fault: `{ Fault: { Error: [{ Message, Detail, code }], type }, time }`. */
export function fault(
  status: number,
  type: string,
  code: string,
  message: string,
  detail = message,
): SimulatedResponse {
  return json(
    status,
    { Fault: { Error: [{ Message: message, Detail: detail, code }], type }, time: new Date().toISOString() },
    { intuit_tid: intuitTid() },
  );
}

/** What Intuit answers to an expired, revoked or unknown access token (shared/providers.md §9). */
export const authenticationFault = () =>
  fault(
    401,
    'AUTHENTICATION',
    '3200',
    'message=AuthenticationFailed; errorCode=003200; statusCode=401',
    'Token expired or invalid',
  );

/** A successful Accounting API answer, with its `time` and `intuit_tid`. */
export const answer = (value: Record<string, unknown>) =>
  json(200, { ...value, time: new Date().toISOString() }, { intuit_tid: intuitTid() });
