import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import { consentPage } from './consent-page.js';
import { DEMO_STRIPE_ACCOUNT, DEMO_STRIPE_CLIENT_ID, DEMO_STRIPE_SECRET_KEY } from './constants.js';

/** Shapes follow Stripe's account object (providers.md §1.5). */
const ACCOUNT = {
  id: DEMO_STRIPE_ACCOUNT,
  object: 'account',
  type: 'standard',
  business_profile: { name: 'Demo Coffee', url: 'https://demo-coffee.example' },
  settings: { dashboard: { display_name: 'Demo Coffee (simulated)', timezone: 'America/Chicago' } },
  email: 'owner@demo-coffee.example',
  country: 'US',
  default_currency: 'usd',
  charges_enabled: true,
  payouts_enabled: true,
  details_submitted: true,
  controller: { type: 'account' },
};
const CODE_LIFETIME_MS = 5 * 60 * 1000;

const random = () => randomBytes(18).toString('hex');

function oauthError(res: Response, status: number, error: string, description: string) {
  res.status(status).json({ error, error_description: description });
}

const platformKeyOk = (req: Request) => req.get('authorization') === `Bearer ${DEMO_STRIPE_SECRET_KEY}`;

export interface StripeSimulatorOptions {
  /** The only redirect URI the simulated platform accepts (this server's callback). */
  redirectUri: () => string;
}

/**
 * A simulated Stripe Connect for demo mode only: a consent page that connects one demo account,
 * single-use codes (five minutes), `oauth/token`, `oauth/deauthorize` and the account endpoint.
 * Every response carries `X-Simulated: stripe`.
 */
export function stripeSimulator(options: StripeSimulatorOptions): Router {
  const router = Router();
  const codes = new Map<string, number>();
  const form = express.urlencoded({ extended: false, limit: '10kb' });
  router.use((_req, res, next) => {
    res.setHeader('X-Simulated', 'stripe');
    next();
  });

  router.get('/oauth/authorize', (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    // Like Stripe, errors in the request itself are shown here, not sent back to the app.
    if (query.response_type !== 'code') return oauthError(res, 400, 'invalid_request', 'response_type must be code.');
    if (query.client_id !== DEMO_STRIPE_CLIENT_ID) return oauthError(res, 400, 'invalid_client', 'Unknown client_id.');
    const redirectUri = query.redirect_uri ?? options.redirectUri();
    if (redirectUri !== options.redirectUri()) {
      return oauthError(res, 400, 'invalid_redirect_uri', 'The redirect_uri is not one the platform registered.');
    }
    const scope = query.scope ?? 'read_only';
    res.type('html').send(
      consentPage({
        provider: 'Stripe',
        requester: `POS Integrations demo platform (${DEMO_STRIPE_CLIENT_ID})`,
        account: `Demo Coffee (${DEMO_STRIPE_ACCOUNT})`,
        scope,
        action: `${req.baseUrl}/oauth/authorize/decision`,
        fields: { redirect_uri: redirectUri, state: query.state ?? '', scope },
      }),
    );
  });

  router.post('/oauth/authorize/decision', form, (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    if (body.redirect_uri !== options.redirectUri()) {
      return oauthError(res, 400, 'invalid_redirect_uri', 'The redirect_uri is not one the platform registered.');
    }
    const back = new URL(body.redirect_uri);
    if (body.decision === 'approve') {
      const code = `ac_${random()}`;
      codes.set(code, Date.now() + CODE_LIFETIME_MS);
      back.searchParams.set('code', code);
      back.searchParams.set('scope', body.scope ?? 'read_only');
    } else {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user denied your request');
    }
    if (body.state) back.searchParams.set('state', body.state);
    res.redirect(302, back.href);
  });

  router.post('/oauth/token', form, (req, res) => {
    if (!platformKeyOk(req)) return oauthError(res, 401, 'invalid_client', 'No valid API key provided.');
    const body = req.body as Record<string, string | undefined>;
    if (body.grant_type !== 'authorization_code') {
      return oauthError(res, 400, 'unsupported_grant_type', 'Only authorization_code is simulated.');
    }
    const expires = codes.get(body.code ?? '');
    codes.delete(body.code ?? '');
    if (expires === undefined || expires < Date.now()) {
      return oauthError(
        res,
        400,
        'invalid_grant',
        'The authorization code does not exist, expired or was already used.',
      );
    }
    res.json({
      token_type: 'bearer',
      scope: 'read_write',
      livemode: false,
      stripe_user_id: DEMO_STRIPE_ACCOUNT,
      access_token: `sk_test_demoConnected${random()}`,
      refresh_token: `rt_demo${random()}`,
      stripe_publishable_key: `pk_test_demo${random()}`,
    });
  });

  router.post('/oauth/deauthorize', form, (req, res) => {
    if (!platformKeyOk(req)) return oauthError(res, 401, 'invalid_client', 'No valid API key provided.');
    const body = req.body as Record<string, string | undefined>;
    if (body.client_id !== DEMO_STRIPE_CLIENT_ID || body.stripe_user_id !== DEMO_STRIPE_ACCOUNT) {
      return oauthError(res, 400, 'invalid_client', 'This application is not connected to that account.');
    }
    res.json({ stripe_user_id: DEMO_STRIPE_ACCOUNT });
  });

  router.get('/v1/accounts/:id', (req, res) => {
    if (!platformKeyOk(req)) {
      res.status(401).json({ error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
      return;
    }
    if (req.params.id !== DEMO_STRIPE_ACCOUNT) {
      res.status(403).json({
        error: {
          type: 'invalid_request_error',
          code: 'account_invalid',
          message: 'The provided key does not have access to that account (or it does not exist).',
        },
      });
      return;
    }
    res.json(ACCOUNT);
  });

  return router;
}
