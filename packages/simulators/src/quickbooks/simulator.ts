import { combine, simulator } from '../exchange.js';
import { createQuickBooksBooksSimulator } from './books.js';
import { quickbooksCompanyApi } from './company.js';
import { quickbooksOAuth } from './oauth.js';
import { type QuickBooksSimulatorOptions, quickbooksState } from './state.js';

export type { QuickBooksSimulatorOptions } from './state.js';

/**
 * A simulated QuickBooks Online, as plain request handlers over in-memory state, one part per
 * Intuit host: the consent page (`pages`), the token endpoint with expiring access tokens and
 * rotating single-use refresh tokens (`tokens`), revocation (`revoke`) and the Accounting API
 * (`api`: the company, its preferences and its books, see `books.ts`). `simulator` serves all four from one root, the way `QUICKBOOKS_OAUTH_BASE` and
 * `QUICKBOOKS_API_BASE` lay them out. Every answer carries `X-Simulated: quickbooks`.
 */
export function createQuickBooksSimulator(options: QuickBooksSimulatorOptions = {}) {
  const state = quickbooksState(options);
  const oauth = quickbooksOAuth(state);
  // The company's books (items, accounts, receipts) accept the access tokens this Intuit issued.
  const books = createQuickBooksBooksSimulator({
    realmId: state.realmId,
    accepts: (token) => state.acceptsAccessToken(token),
  });
  const hosts = {
    pages: simulator('quickbooks', oauth.pages),
    tokens: simulator('quickbooks', oauth.tokens),
    revoke: simulator('quickbooks', oauth.revoke),
    api: combine('quickbooks', simulator('quickbooks', quickbooksCompanyApi(state)), books),
  };
  return {
    ...hosts,
    simulator: combine('quickbooks', hosts.pages, hosts.tokens, hosts.revoke, hosts.api),
    /** The shared state, for parts of the Accounting API kept in other files. */
    state,
    /** The company's books: the receipts recorded, and faults to inject into the next creates. */
    books,
    calls: state.calls,
    issued: state.issued,
    consent: oauth.consent,
    /** The refresh token of the pair issued last. */
    latestRefreshToken: () => state.issued.at(-1)?.refresh_token,
    /** Whether the consent that `token` descends from was revoked. */
    isRevoked: (token: string) => {
      const claims = state.tokens.verify(token, 'refresh', 0) ?? state.tokens.verify(token, 'access', 0);
      return claims !== undefined && state.revokedGrants.has(claims.grant);
    },
    /** Intuit stops accepting every access token issued so far (revoked, or expired on its clock). */
    revokeAccessTokens: () => state.tokens.revoke('access'),
    /** Intuit stops accepting every refresh token issued so far: the next refresh gets `invalid_grant`. */
    revokeRefreshTokens: () => state.tokens.revoke('refresh'),
  };
}

export type QuickBooksSimulator = ReturnType<typeof createQuickBooksSimulator>;
