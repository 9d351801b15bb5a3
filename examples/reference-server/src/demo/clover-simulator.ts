import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import { consentPage } from './consent-page.js';
import { DEMO_CLOVER_APP_ID, DEMO_CLOVER_APP_SECRET, DEMO_CLOVER_MERCHANT } from './constants.js';

/** Shapes follow Clover's merchant object. */
const MERCHANT = {
  id: DEMO_CLOVER_MERCHANT,
  name: 'Demo Bakery (simulated)',
  address: {
    address1: '2 Market St',
    address2: null,
    address3: null,
    city: 'Springfield',
    state: 'IL',
    zip: '62701',
    country: 'US',
  },
};
const CODE_LIFETIME_MS = 5 * 60 * 1000;
// Tokens are signed rather than remembered, so they survive a restart of the demo server.
const SIGNING_KEY = 'pos-integrations demo clover simulator: not a secret';

type TokenKind = 'access' | 'refresh';
interface TokenClaims {
  kind: TokenKind;
  merchant: string;
  expires: number;
  issued: number;
  nonce: string;
}

function sign(claims: TokenClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `demo_clv.${body}.${createHmac('sha256', SIGNING_KEY).update(body).digest('base64url')}`;
}

function verify(token: string, kind: TokenKind): TokenClaims | undefined {
  const [prefix, body, signature] = token.split('.');
  if (prefix !== 'demo_clv' || !body || !signature) return undefined;
  const expected = Buffer.from(createHmac('sha256', SIGNING_KEY).update(body).digest('base64url'));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
  return claims.kind === kind ? claims : undefined;
}

const unauthorized = (res: Response) => res.status(401).json({ message: '401 Unauthorized' });

export interface CloverSimulatorOptions {
  /** The app's registered redirect URI (this server's callback); its query string may vary. */
  redirectUri: () => string;
  /** How long access tokens live (default 15 minutes, so renewals show up in the logs). */
  accessTtlSeconds?: number;
}

/**
 * A simulated Clover for demo mode only: a consent page for one demo merchant, OAuth v2 token
 * and refresh endpoints with expiring access tokens and single-use refresh tokens, and the
 * merchant endpoint. It does not echo `state` (Clover v2 may not). Every response carries
 * `X-Simulated: clover`.
 */
export function cloverSimulator(options: CloverSimulatorOptions) {
  const router = Router();
  const codes = new Map<string, number>();
  const spentRefreshTokens = new Set<string>();
  const counts = { token: 0, refresh: 0, merchant: 0 };
  let revokedBefore = 0;
  let latestRefreshToken: string | undefined;
  const accessTtl = options.accessTtlSeconds ?? 15 * 60;
  const json = express.json({ limit: '10kb' });

  const registered = (value: string | undefined) => {
    if (!value) return false;
    const url = new URL(value);
    return `${url.origin}${url.pathname}` === options.redirectUri();
  };

  function issuePair() {
    const now = Date.now();
    const accessExpires = Math.floor(now / 1000) + accessTtl;
    const refreshExpires = accessExpires + 365 * 24 * 3600;
    const common = { merchant: DEMO_CLOVER_MERCHANT, issued: now };
    const nonce = () => randomBytes(9).toString('hex');
    latestRefreshToken = sign({ kind: 'refresh', expires: refreshExpires, nonce: nonce(), ...common });
    return {
      access_token: sign({ kind: 'access', expires: accessExpires, nonce: nonce(), ...common }),
      access_token_expiration: accessExpires,
      refresh_token: latestRefreshToken,
      refresh_token_expiration: refreshExpires,
    };
  }

  router.use((_req, res, next) => {
    res.setHeader('X-Simulated', 'clover');
    next();
  });

  router.get('/oauth/v2/authorize', (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    if (query.client_id !== DEMO_CLOVER_APP_ID || !registered(query.redirect_uri)) {
      res.status(400).type('text').send('Simulated Clover: unknown app or a redirect URI outside its site URL.');
      return;
    }
    res.type('html').send(
      consentPage({
        provider: 'Clover',
        requester: `POS Integrations demo app (${DEMO_CLOVER_APP_ID})`,
        account: `Demo Bakery (merchant ${DEMO_CLOVER_MERCHANT})`,
        scope: 'the permissions the app requests',
        action: `${req.baseUrl}/oauth/v2/authorize/decision`,
        fields: { redirect_uri: query.redirect_uri as string },
      }),
    );
  });

  router.post('/oauth/v2/authorize/decision', express.urlencoded({ extended: false, limit: '10kb' }), (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    if (!registered(body.redirect_uri)) {
      res.status(400).type('text').send('Simulated Clover: a redirect URI outside the app site URL.');
      return;
    }
    const back = new URL(body.redirect_uri as string);
    if (body.decision === 'approve') {
      const code = randomBytes(16).toString('hex');
      codes.set(code, Date.now() + CODE_LIFETIME_MS);
      back.searchParams.set('merchant_id', DEMO_CLOVER_MERCHANT);
      back.searchParams.set('client_id', DEMO_CLOVER_APP_ID);
      back.searchParams.set('code', code);
    } else {
      back.searchParams.set('error', 'access_denied');
    }
    res.redirect(302, back.href);
  });

  router.post('/oauth/v2/token', json, (req, res) => {
    counts.token += 1;
    const body = req.body as Record<string, string | undefined>;
    if (body.client_id !== DEMO_CLOVER_APP_ID || body.client_secret !== DEMO_CLOVER_APP_SECRET) {
      return unauthorized(res);
    }
    const expires = codes.get(body.code ?? '');
    codes.delete(body.code ?? '');
    if (expires === undefined || expires < Date.now()) {
      res.status(400).json({ message: 'Invalid or expired code' });
      return;
    }
    res.json(issuePair());
  });

  router.post('/oauth/v2/refresh', json, (req: Request, res) => {
    counts.refresh += 1;
    const body = req.body as Record<string, string | undefined>;
    const token = body.refresh_token ?? '';
    const claims = verify(token, 'refresh');
    if (body.client_id !== DEMO_CLOVER_APP_ID || !claims || claims.expires * 1000 < Date.now()) {
      return unauthorized(res);
    }
    // Single use: a refresh token dies the moment it buys a new pair.
    if (spentRefreshTokens.has(token)) return unauthorized(res);
    spentRefreshTokens.add(token);
    res.json(issuePair());
  });

  router.get('/v3/merchants/:merchantId', (req, res) => {
    counts.merchant += 1;
    const claims = verify(req.get('authorization')?.replace(/^Bearer /, '') ?? '', 'access');
    if (
      !claims ||
      claims.expires * 1000 <= Date.now() ||
      claims.issued < revokedBefore ||
      claims.merchant !== req.params.merchantId
    ) {
      return unauthorized(res);
    }
    const expand = String(req.query.expand ?? '').split(',');
    res.json({
      ...MERCHANT,
      address: expand.includes('address') ? MERCHANT.address : { href: `/v3/merchants/${MERCHANT.id}/address` },
    });
  });

  return {
    router,
    /** Requests seen per endpoint. */
    counts,
    /** The refresh token of the pair issued last. */
    latestRefreshToken: () => latestRefreshToken,
    /** Clover stops accepting every access token issued so far (as after a revocation). */
    revokeAccessTokens() {
      revokedBefore = Date.now() + 1;
    },
  };
}
