import { formOf, html, json, type Route, redirect } from '../exchange.js';
import { consentPage } from '../pages.js';
import { random } from '../random.js';
import { stripeAccount } from './fixtures.js';
import { oauthError, type StripeState } from './state.js';

/** A code may be exchanged for five minutes, once (shared/providers.md §1). */
const CODE_LIFETIME_MS = 5 * 60 * 1000;

/**
 * Stripe Connect OAuth: the consent page and its decision, single-use authorization codes (a
 * second exchange revokes the connection), `oauth/token`, `oauth/deauthorize` and the account
 * endpoint, all authenticated with the platform key.
 */
export function stripeConnect(state: StripeState) {
  const registered = (uri: string) => !state.strictRedirect || uri === state.redirectUri();

  /** The redirect back from the consent page: a fresh code for `accountId`, or `access_denied`. */
  function decide(redirectUri: string, stateParam: string | null, scope: string, approve: boolean, accountId?: string) {
    const back = new URL(redirectUri);
    if (approve) {
      const id = accountId ?? state.account.id;
      const code = `ac_${state.tag}${random()}`;
      if (!state.accounts.has(id)) state.accounts.set(id, stripeAccount({ id }));
      state.codes.set(code, { status: 'issued', account: id, expires: state.now() + CODE_LIFETIME_MS });
      back.searchParams.set('code', code);
      back.searchParams.set('scope', scope);
    } else {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user denied your request');
    }
    if (stateParam) back.searchParams.set('state', stateParam);
    return back;
  }

  /** What is wrong with an authorize request (Stripe shows these itself instead of redirecting). */
  function authorizeProblem(params: URLSearchParams): [error: string, description: string] | undefined {
    if (params.get('response_type') !== 'code') return ['invalid_request', 'response_type must be code.'];
    if (params.get('client_id') !== state.clientId) return ['invalid_client', 'Unknown client_id.'];
    if (!registered(params.get('redirect_uri') ?? state.redirectUri())) {
      return ['invalid_redirect_uri', 'The redirect_uri is not one the platform registered.'];
    }
    return undefined;
  }

  /** The merchant's choice on the consent page for the authorize request `params`. */
  function consent(params: URLSearchParams, approve: boolean, accountId?: string): URL {
    const problem = authorizeProblem(params);
    if (problem) throw new Error(`Stripe would show an error page: ${problem[1]}`);
    const scope = params.get('scope') ?? 'read_only';
    return decide(params.get('redirect_uri') ?? state.redirectUri(), params.get('state'), scope, approve, accountId);
  }

  const routes: Route[] = [
    [
      'GET',
      '/oauth/authorize',
      ({ query, root }) => {
        const problem = authorizeProblem(query);
        if (problem) return json(400, { error: problem[0], error_description: problem[1], state: query.get('state') });
        const redirectUri = query.get('redirect_uri') ?? state.redirectUri();
        const scope = query.get('scope') ?? 'read_only';
        const name = String(state.account.business_profile.name);
        return html(
          consentPage({
            provider: 'Stripe',
            requester: `POS Integrations demo platform (${state.clientId})`,
            account: `${name} (${state.account.id})`,
            scope,
            action: `${root}/oauth/authorize/decision`,
            fields: { redirect_uri: redirectUri, state: query.get('state') ?? '', scope },
          }),
        );
      },
    ],
    [
      'POST',
      '/oauth/authorize/decision',
      (request) => {
        const body = formOf(request);
        if (!body.redirect_uri || !registered(body.redirect_uri)) {
          return oauthError(400, 'invalid_redirect_uri', 'The redirect_uri is not one the platform registered.');
        }
        const back = decide(
          body.redirect_uri,
          body.state || null,
          body.scope ?? 'read_only',
          body.decision === 'approve',
        );
        return redirect(302, back.href);
      },
    ],
    [
      'POST',
      '/oauth/token',
      (request) => {
        state.calls.token += 1;
        if (!state.platformKeyOk(request)) return oauthError(401, 'invalid_client', 'No valid API key provided.');
        const body = formOf(request);
        if (body.grant_type !== 'authorization_code') {
          return oauthError(400, 'unsupported_grant_type', 'Only authorization_code is simulated.');
        }
        const code = body.code ?? '';
        const known = state.codes.get(code);
        if (known === undefined) return oauthError(400, 'invalid_grant', `Authorization code does not exist: ${code}`);
        if (known.status === 'used') {
          // Documented: consuming a code more than once revokes the account connection.
          state.connected.delete(known.account);
          return oauthError(400, 'invalid_grant', `Authorization code has already been used: ${code}`);
        }
        if (known.expires < state.now()) return oauthError(400, 'invalid_grant', `Authorization code expired: ${code}`);
        known.status = 'used';
        state.connected.add(known.account);
        const tokens = {
          access_token: `sk_test_${state.tag}${random(24)}`,
          refresh_token: `rt_${state.tag}${random(24)}`,
          code,
        };
        state.issued.push(tokens);
        return json(200, {
          token_type: 'bearer',
          scope: 'read_write',
          livemode: false,
          stripe_user_id: known.account,
          access_token: tokens.access_token,
          refresh_token: tokens.refresh_token,
          stripe_publishable_key: `pk_test_${state.tag}${random(24)}`,
        });
      },
    ],
    [
      'POST',
      '/oauth/deauthorize',
      (request) => {
        state.calls.deauthorize += 1;
        if (!state.platformKeyOk(request)) return oauthError(401, 'invalid_client', 'No valid API key provided.');
        const body = formOf(request);
        const accountId = body.stripe_user_id ?? '';
        if (body.client_id !== state.clientId || !state.connected.has(accountId)) {
          return oauthError(
            400,
            'invalid_client',
            `This application is not connected to stripe account ${accountId}, or that account does not exist.`,
          );
        }
        state.connected.delete(accountId);
        return json(200, { stripe_user_id: accountId });
      },
    ],
  ];

  const accountRoute: Route = [
    'GET',
    '/v1/accounts/:id',
    (request, params) => {
      state.calls.account += 1;
      if (!state.platformKeyOk(request)) {
        return json(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
      }
      const found = state.accounts.get(params.id ?? '');
      if (!found || !state.connected.has(found.id)) {
        return json(403, {
          error: {
            type: 'invalid_request_error',
            code: 'account_invalid',
            message: `The provided key does not have access to account '${params.id}' (or that account does not exist). Application access may have been revoked.`,
          },
        });
      }
      return json(200, found);
    },
  ];

  return { routes, accountRoute, consent };
}
