import {
  authorizationUrl,
  DEFAULT_RETRY_POLICY,
  IntegrationError,
  type Lazy,
  type OAuthConnector,
  type OAuthGrant,
  providerCalls,
  type RetryPolicy,
  readEnv,
  resolveBase,
  resolveLazy,
} from '@pos/integrations-core/connector';
import { ofetch } from 'ofetch';
import { z } from 'zod';
import { CLOVER_MAX_PAGE_SIZE, type CloverRest, cloverCatalogue } from './catalogue.js';
import { type CloverCall, cloverErrors, fromCloverError } from './errors.js';

/** Authorize pages and API hosts per region. */
export const CLOVER_HOSTS = {
  na: { oauth: 'https://www.clover.com', api: 'https://api.clover.com' },
  eu: { oauth: 'https://www.eu.clover.com', api: 'https://api.eu.clover.com' },
  la: { oauth: 'https://www.la.clover.com', api: 'https://api.la.clover.com' },
  sandbox: { oauth: 'https://sandbox.dev.clover.com', api: 'https://apisandbox.dev.clover.com' },
} as const;
const AUTHORIZE_PATH = '/oauth/v2/authorize';
const TOKEN_PATH = '/oauth/v2/token';
const REFRESH_PATH = '/oauth/v2/refresh';
const merchantPath = (merchantId: string) => `/v3/merchants/${encodeURIComponent(merchantId)}`;

export type CloverRegion = keyof typeof CLOVER_HOSTS;
export const CLOVER_REGIONS = Object.keys(CLOVER_HOSTS) as CloverRegion[];

export interface CloverOptions {
  /** The app id (used as `client_id`). */
  appId: string;
  appSecret: string;
  /** Under the app's Site URL; the state is added to its query string, since v2 may not echo `state`. */
  redirectUri: Lazy<string>;
  /** Default `na` (US and Canada). */
  region?: CloverRegion;
  /** Replaces the API host: token, refresh and REST calls (`CLOVER_API_BASE`). */
  apiBase?: Lazy<string>;
  /** Replaces the authorize page host (`CLOVER_OAUTH_BASE`). */
  oauthBase?: Lazy<string>;
  /**
   * For REST reads (never for token calls); default 3 attempts. By default a catalogue import
   * waits out a `Retry-After` of up to a minute; set here, the policy applies to it as given.
   */
  retry?: RetryPolicy;
  /** Items per page of a catalogue import (`limit`), 1 to 1000; default 1000, Clover's largest. */
  pageSize?: number;
  /** Per request, default 10 s; keep it under core's refresh lease (30 s). */
  timeoutMs?: number;
}

export type CloverSecret = { access_token: string; refresh_token: string };
export type CloverPublicData = {
  merchant_id: string;
  merchant_name: string | null;
  region: CloverRegion;
  access_token_expires_at: string;
  refresh_token_expires_at: string | null;
};
export type CloverConnector = OAuthConnector<CloverSecret, CloverPublicData>;

/** `/oauth/v2/token` and `/oauth/v2/refresh` answer the same pair; expirations are Unix seconds. */
const tokenPair = z.object({
  access_token: z.string().min(1),
  access_token_expiration: z.number().int().positive(),
  refresh_token: z.string().min(1),
  refresh_token_expiration: z.number().int().positive().optional(),
});

const address = z
  .object({
    address1: z.string().nullish(),
    address2: z.string().nullish(),
    address3: z.string().nullish(),
    city: z.string().nullish(),
    state: z.string().nullish(),
    zip: z.string().nullish(),
    country: z.string().nullish(),
  })
  .partial();
const merchant = z.object({ id: z.string(), name: z.string().nullish(), address: address.nullish() });

const MERCHANT_ID = /^[A-Za-z0-9]{1,64}$/;

function formatAddress(value: z.infer<typeof address> | null | undefined): string {
  if (!value) return '';
  const region = [value.state, value.zip].filter(Boolean).join(' ');
  return [value.address1, value.address2, value.address3, value.city, region, value.country].filter(Boolean).join(', ');
}

const isoFromUnix = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Clover through OAuth v2 (high-trust apps): expiring access tokens and single-use refresh tokens. */
export function clover(options: CloverOptions): CloverConnector {
  const region = options.region ?? 'na';
  if (!CLOVER_HOSTS[region]) {
    throw new IntegrationError('VALIDATION_FAILED', `The Clover region must be one of ${CLOVER_REGIONS.join(', ')}.`);
  }
  const apiBase = () => resolveBase(options.apiBase ?? CLOVER_HOSTS[region].api);
  const oauthBase = () => resolveBase(options.oauthBase ?? CLOVER_HOSTS[region].oauth);
  const timeout = options.timeoutMs ?? 10_000;
  const mapError = (error: unknown) =>
    error instanceof z.ZodError
      ? new IntegrationError('PROVIDER_UNAVAILABLE', 'Clover sent an answer that could not be read.')
      : fromCloverError(error, 'api');
  const call = providerCalls({ retry: options.retry, mapError });
  // An import has time to wait out Clover's rate limits (per token and per app) page after page.
  const importCall = providerCalls({
    retry: options.retry ?? { ...DEFAULT_RETRY_POLICY, maxDelayMs: 60_000 },
    mapError,
  });
  const rest: CloverRest = {
    merchantPath,
    get: (path, accessToken, query, schema, signal) =>
      importCall(async () => {
        let answer: unknown;
        try {
          answer = await ofetch(`${apiBase()}${path}`, {
            headers: { authorization: `Bearer ${accessToken}` },
            query,
            signal: AbortSignal.any([signal, AbortSignal.timeout(timeout)]),
            retry: false,
          });
        } catch (error) {
          if (signal.aborted) return undefined;
          throw error;
        }
        return schema.parse(answer);
      }),
  };

  /** Token calls run once: a refresh token is single use, and a code is too. */
  async function tokenCall(call: CloverCall, path: string, body: Record<string, string>) {
    let answer: unknown;
    try {
      answer = await ofetch(`${apiBase()}${path}`, { method: 'POST', body, timeout, retry: false });
    } catch (error) {
      throw fromCloverError(error, call);
    }
    const parsed = tokenPair.safeParse(answer);
    if (!parsed.success) {
      throw new IntegrationError(
        call === 'token' ? 'CLOVER_OAUTH_FAILED' : 'PROVIDER_UNAVAILABLE',
        'Clover answered without a usable token pair.',
      );
    }
    return parsed.data;
  }

  function readMerchant(merchantId: string, accessToken: string, withAddress: boolean) {
    return call(async () => {
      const answer = await ofetch(`${apiBase()}${merchantPath(merchantId)}`, {
        headers: { authorization: `Bearer ${accessToken}` },
        ...(withAddress ? { query: { expand: 'address' } } : {}),
        timeout,
        retry: false,
      });
      return merchant.parse(answer);
    });
  }

  /**
   * Reads the merchant with a token Clover just issued. 401, 403 and 404 mean the token cannot
   * read it: `CLOVER_OAUTH_FAILED`. Other failures (outage, rate limit) keep their own codes.
   */
  async function verifyMerchant(merchantId: string, accessToken: string) {
    let found: z.infer<typeof merchant>;
    try {
      found = await readMerchant(merchantId, accessToken, false);
    } catch (error) {
      const status = error instanceof IntegrationError ? error.details?.clover_status : undefined;
      if (status === 401 || status === 403 || status === 404) {
        throw cloverErrors.error(
          'CLOVER_OAUTH_FAILED',
          `The token Clover issued cannot read the merchant named in the redirect (HTTP ${status}), so it was not connected. Start again from Clover.`,
          { details: { clover_status: status } },
        );
      }
      throw error;
    }
    if (found.id !== merchantId) {
      throw cloverErrors.error(
        'CLOVER_OAUTH_FAILED',
        'Clover answered with another merchant than the one named in the redirect, so it was not connected.',
      );
    }
    return found;
  }

  function grant(
    pair: z.infer<typeof tokenPair>,
    merchantId: string,
    merchantName: string | null,
  ): OAuthGrant<CloverSecret, CloverPublicData> {
    const expiresAt = isoFromUnix(pair.access_token_expiration);
    return {
      secret: { access_token: pair.access_token, refresh_token: pair.refresh_token },
      publicData: {
        merchant_id: merchantId,
        merchant_name: merchantName,
        region,
        access_token_expires_at: expiresAt,
        refresh_token_expires_at:
          pair.refresh_token_expiration === undefined ? null : isoFromUnix(pair.refresh_token_expiration),
      },
      expiresAt,
    };
  }

  return {
    id: 'clover',
    displayName: 'Clover',
    labels: { merchant_name: 'Merchant', merchant_id: 'Merchant ID' },
    kind: 'oauth',
    errorCodes: cloverErrors.table,
    stateInvalidCode: 'CLOVER_STATE_INVALID',
    oauthFailedCode: 'CLOVER_OAUTH_FAILED',
    tokenExpiredCode: 'CLOVER_TOKEN_EXPIRED',
    account: { accountId: (data) => data.merchant_id, inUseCode: 'CLOVER_MERCHANT_IN_USE', label: 'Clover merchant' },
    catalogue: cloverCatalogue(rest, options.pageSize ?? CLOVER_MAX_PAGE_SIZE),

    authorizationUrl(state) {
      const redirect = new URL(resolveLazy(options.redirectUri));
      redirect.searchParams.set('state', state);
      return authorizationUrl(`${oauthBase()}${AUTHORIZE_PATH}`, {
        client_id: options.appId,
        redirect_uri: redirect.href,
        response_type: 'code',
        state,
      });
    },

    async exchange({ code, query }) {
      // Clover names the merchant only here, in the redirect: the token response does not.
      const merchantId = query.merchant_id;
      if (!merchantId || !MERCHANT_ID.test(merchantId)) {
        throw cloverErrors.error('CLOVER_OAUTH_FAILED', 'Clover did not say which merchant approved the app.');
      }
      if (query.client_id !== undefined && query.client_id !== options.appId) {
        throw cloverErrors.error('CLOVER_OAUTH_FAILED', 'The Clover redirect was meant for another app.');
      }
      const pair = await tokenCall('token', TOKEN_PATH, {
        client_id: options.appId,
        client_secret: options.appSecret,
        code,
      });
      // The redirect's merchant_id is only a query parameter: the new token must be able to read
      // that merchant, or the redirect named a merchant that did not approve this app.
      const found = await verifyMerchant(merchantId, pair.access_token);
      return grant(pair, merchantId, found.name ?? null);
    },

    async refresh({ secret, publicData }) {
      const pair = await tokenCall('refresh', REFRESH_PATH, {
        client_id: options.appId,
        refresh_token: secret.refresh_token,
      });
      return grant(pair, publicData.merchant_id, publicData.merchant_name);
    },

    async summary({ secret, publicData }) {
      const found = await readMerchant(publicData.merchant_id, secret.access_token, true);
      return {
        merchant_name: found.name ?? found.id,
        address: formatAddress(found.address),
        merchant_id: found.id,
      };
    },

    async test({ secret, publicData }) {
      const found = await readMerchant(publicData.merchant_id, secret.access_token, false);
      return { message: `Clover answered: merchant "${found.name ?? found.id}" is reachable.` };
    },

    statusFields(publicData) {
      return {
        merchant_id: publicData.merchant_id,
        merchant_name: publicData.merchant_name,
        region: publicData.region,
        access_token_expires_at: publicData.access_token_expires_at,
      };
    },
  };
}

/** The variables `cloverFromEnv` needs; without them Clover is not configured. */
export const CLOVER_REQUIRED_ENV = ['CLOVER_APP_ID', 'CLOVER_APP_SECRET', 'CLOVER_REDIRECT_URI'] as const;

/**
 * Reads `CLOVER_APP_ID`, `CLOVER_APP_SECRET`, `CLOVER_REDIRECT_URI`, `CLOVER_REGION`
 * (`na` | `eu` | `la` | `sandbox`) and the overrides `CLOVER_API_BASE` and `CLOVER_OAUTH_BASE`.
 */
export function cloverFromEnv(env: Record<string, string | undefined> = process.env): CloverConnector {
  const read = readEnv('Clover', env);
  const required = read.required(CLOVER_REQUIRED_ENV);
  const region = read.choice('CLOVER_REGION', CLOVER_REGIONS, 'na');
  const apiBase = read.optional('CLOVER_API_BASE');
  const oauthBase = read.optional('CLOVER_OAUTH_BASE');
  return clover({
    appId: required.CLOVER_APP_ID,
    appSecret: required.CLOVER_APP_SECRET,
    redirectUri: required.CLOVER_REDIRECT_URI,
    region,
    ...(apiBase ? { apiBase } : {}),
    ...(oauthBase ? { oauthBase } : {}),
  });
}
