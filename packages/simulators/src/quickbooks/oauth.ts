import { randomBytes } from 'node:crypto';
import { empty, formOf, html, json, jsonOf, type Route, redirect, sleep, text } from '../exchange.js';
import { consentPage } from '../pages.js';
import { QUICKBOOKS_SCOPE } from './fixtures.js';
import { oauthError, type QuickBooksState } from './state.js';

/** An authorization code may be exchanged once, within five minutes. */
const CODE_LIFETIME_MS = 5 * 60 * 1000;

/**
 * Intuit's OAuth 2.0 as three hosts see it: the consent page (`pages`, appcenter.intuit.com), the
 * token endpoint with single-use codes and rotating refresh tokens (`tokens`,
 * oauth.platform.intuit.com) and revocation (`revoke`, developer.api.intuit.com). Refresh tokens
 * are single use here: Intuit may accept a superseded one for a while, but a client that keeps an
 * old one is wrong, and the simulator says so with `invalid_grant`.
 */
export function quickbooksOAuth(state: QuickBooksState) {
  const registered = (uri: string | null | undefined) => {
    if (!uri) return false;
    return state.redirectUri ? uri === state.redirectUri() : true;
  };

  /** What Intuit would show as an error page instead of a consent page. */
  function authorizeProblem(params: URLSearchParams): string | undefined {
    if (params.get('client_id') !== state.clientId) return 'Unknown client_id.';
    if (params.get('response_type') !== 'code') return 'response_type must be code.';
    if (!registered(params.get('redirect_uri'))) return 'The redirect_uri is not one the app registered.';
    const scopes = (params.get('scope') ?? '').split(' ');
    if (!scopes.includes(QUICKBOOKS_SCOPE)) return `The scope must include ${QUICKBOOKS_SCOPE}.`;
    return undefined;
  }

  /** The redirect back: a fresh code and the company's `realmId`, or `access_denied`; `state` echoed. */
  function decide(redirectUri: string, stateParam: string | null, approve: boolean): URL {
    const back = new URL(redirectUri);
    if (approve) {
      const code = `AB11sim${randomBytes(18).toString('hex')}`;
      state.codes.set(code, {
        status: 'issued',
        expires: state.clock.now().getTime() + CODE_LIFETIME_MS,
        redirectUri,
        grant: randomBytes(9).toString('hex'),
      });
      back.searchParams.set('code', code);
    } else {
      back.searchParams.set('error', 'access_denied');
    }
    if (stateParam) back.searchParams.set('state', stateParam);
    if (approve) back.searchParams.set('realmId', state.realmId);
    return back;
  }

  /** The merchant's choice on the consent page for the authorize request `params`. */
  function consent(params: URLSearchParams, approve: boolean): URL {
    const problem = authorizeProblem(params);
    if (problem) throw new Error(`Intuit would show an error page: ${problem}`);
    return decide(params.get('redirect_uri') as string, params.get('state'), approve);
  }

  const pages: Route[] = [
    [
      'GET',
      '/connect/oauth2',
      ({ query, root }) => {
        const problem = authorizeProblem(query);
        if (problem) return text(400, `Simulated Intuit: ${problem}`);
        const requestState = query.get('state');
        return html(
          consentPage({
            provider: 'QuickBooks',
            requester: `POS Integrations demo app (${state.clientId.slice(0, 8)}…)`,
            account: `${state.company.CompanyName} (company ${state.realmId})`,
            scope: query.get('scope') as string,
            action: `${root}/connect/oauth2/decision`,
            fields: {
              redirect_uri: query.get('redirect_uri') as string,
              ...(requestState ? { state: requestState } : {}),
            },
          }),
        );
      },
    ],
    [
      'POST',
      '/connect/oauth2/decision',
      (request) => {
        const body = formOf(request);
        if (!registered(body.redirect_uri))
          return text(400, 'Simulated Intuit: a redirect URI the app did not register.');
        const back = decide(body.redirect_uri as string, body.state ?? null, body.decision === 'approve');
        return redirect(302, back.href);
      },
    ],
  ];

  function exchangeCode(body: Record<string, string>) {
    state.calls.token += 1;
    const code = state.codes.get(body.code ?? '');
    if (code?.status !== 'issued' || code.expires < state.clock.now().getTime()) {
      return oauthError(400, 'invalid_grant', 'The authorization code is invalid, expired or already used.');
    }
    // A code is spent by any attempt, as at Intuit; a wrong redirect_uri spends it too.
    code.status = 'used';
    if (body.redirect_uri !== code.redirectUri) {
      return oauthError(400, 'invalid_grant', 'The redirect_uri does not match the authorization request.');
    }
    return json(200, state.issuePair(code.grant));
  }

  async function refreshPair(body: Record<string, string>) {
    state.calls.refresh += 1;
    if (state.refreshDelayMs) await sleep(state.refreshDelayMs);
    const token = body.refresh_token ?? '';
    const claims = state.live(token, 'refresh');
    if (!claims || state.spentRefreshTokens.has(token)) {
      return oauthError(400, 'invalid_grant', 'The refresh token is invalid, expired, revoked or already used.');
    }
    state.spentRefreshTokens.add(token);
    return json(200, state.issuePair(claims.grant));
  }

  const tokens: Route[] = [
    [
      'POST',
      '/oauth2/v1/tokens/bearer',
      (request) => {
        if (!state.appAuthenticated(request)) return oauthError(401, 'invalid_client', 'Client authentication failed.');
        const body = formOf(request);
        if (body.grant_type === 'authorization_code') return exchangeCode(body);
        if (body.grant_type === 'refresh_token') return refreshPair(body);
        return oauthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
      },
    ],
  ];

  const revoke: Route[] = [
    [
      'POST',
      '/v2/oauth2/tokens/revoke',
      (request) => {
        state.calls.revoke += 1;
        if (!state.appAuthenticated(request)) return oauthError(401, 'invalid_client', 'Client authentication failed.');
        const token = jsonOf(request).token;
        if (typeof token !== 'string' || token === '') return oauthError(400, 'invalid_request', 'token is required.');
        // Either token of a grant ends the whole grant: its access and refresh tokens alike.
        const claims = state.live(token, 'refresh') ?? state.live(token, 'access');
        if (claims) state.revokedGrants.add(claims.grant);
        return empty(200);
      },
    ],
  ];

  return { pages, tokens, revoke, consent };
}
