import {
  authorizationUrl,
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
import { z } from 'zod';
import { quickbooksAccounting } from './accounting.js';
import { type CompanyInfo, companyName, companyReader, fiscalYearStart } from './company.js';
import { fromQuickBooksError, quickbooksErrors } from './errors.js';
import {
  INTUIT_OAUTH_ENDPOINTS,
  type IntuitClient,
  intuitEndpointsAt,
  revokeToken,
  type TokenResponse,
  tokenCall,
} from './oauth.js';

/** The Accounting API host per environment; the OAuth hosts are the same for both. */
export const QUICKBOOKS_API_HOSTS = {
  production: 'https://quickbooks.api.intuit.com',
  sandbox: 'https://sandbox-quickbooks.api.intuit.com',
} as const;
export const QUICKBOOKS_SCOPE = 'com.intuit.quickbooks.accounting';

export type QuickBooksEnvironment = keyof typeof QUICKBOOKS_API_HOSTS;
export const QUICKBOOKS_ENVIRONMENTS = Object.keys(QUICKBOOKS_API_HOSTS) as QuickBooksEnvironment[];

export interface QuickBooksOptions {
  /** The app's Client ID and Client Secret (development keys for sandbox, production keys for production). */
  clientId: string;
  clientSecret: string;
  /** Registered on the app's Keys & credentials page exactly as written here. */
  redirectUri: Lazy<string>;
  /** Default `production`: picks the Accounting API host. */
  environment?: QuickBooksEnvironment;
  /** Replaces the Accounting API host (`QUICKBOOKS_API_BASE`). */
  apiBase?: Lazy<string>;
  /**
   * Replaces Intuit's three OAuth hosts (`QUICKBOOKS_OAUTH_BASE`): `{base}/connect/oauth2`,
   * `{base}/oauth2/v1/tokens/bearer` and `{base}/v2/oauth2/tokens/revoke`.
   */
  oauthBase?: Lazy<string>;
  /** For API reads and the revocation (never for token calls); default 3 attempts. */
  retry?: RetryPolicy;
  /** Per request, default 10 s; keep it under core's refresh lease (30 s). */
  timeoutMs?: number;
}

export type QuickBooksSecret = { access_token: string; refresh_token: string };
export type QuickBooksPublicData = {
  /** The company (realm) id from the redirect: every Accounting API path names it. */
  realm_id: string;
  environment: QuickBooksEnvironment;
  company_name: string | null;
  country: string | null;
  access_token_expires_at: string;
  refresh_token_expires_at: string | null;
};
export type QuickBooksConnector = OAuthConnector<QuickBooksSecret, QuickBooksPublicData>;

/** Intuit's company ids are digits; anything else in the redirect is not from Intuit. */
const REALM_ID = /^[0-9]{1,32}$/;

/** QuickBooks Online through Intuit's OAuth 2.0: hour-long access tokens and rotating refresh tokens. */
export function quickbooks(options: QuickBooksOptions): QuickBooksConnector {
  const environment = options.environment ?? 'production';
  if (!QUICKBOOKS_API_HOSTS[environment]) {
    throw new IntegrationError(
      'VALIDATION_FAILED',
      `The QuickBooks environment must be one of ${QUICKBOOKS_ENVIRONMENTS.join(', ')}.`,
    );
  }
  const apiBase = () => resolveBase(options.apiBase ?? QUICKBOOKS_API_HOSTS[environment]);
  const endpoints = () =>
    options.oauthBase ? intuitEndpointsAt(resolveLazy(options.oauthBase)) : INTUIT_OAUTH_ENDPOINTS;
  const client: IntuitClient = {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    timeout: options.timeoutMs ?? 10_000,
  };
  const read = providerCalls({
    retry: options.retry,
    mapError: (error) =>
      error instanceof z.ZodError
        ? new IntegrationError('PROVIDER_UNAVAILABLE', 'QuickBooks answered with a company that could not be read.')
        : fromQuickBooksError(error, 'api'),
  });
  const revocation = providerCalls({ retry: options.retry, mapError: (error) => fromQuickBooksError(error, 'revoke') });
  const company = (realmId: string, accessToken: string) =>
    companyReader(apiBase(), realmId, accessToken, client.timeout);

  /**
   * Reads the company with a token Intuit just issued. 401 and 403 mean the token cannot read the
   * company the redirect named: `QUICKBOOKS_OAUTH_FAILED`. Other failures keep their own codes.
   */
  async function verifyCompany(realmId: string, accessToken: string): Promise<CompanyInfo> {
    try {
      return await read(() => company(realmId, accessToken).companyInfo());
    } catch (error) {
      const status = error instanceof IntegrationError ? error.details?.quickbooks_status : undefined;
      if (status === 401 || status === 403) {
        throw quickbooksErrors.error(
          'QUICKBOOKS_OAUTH_FAILED',
          `The token Intuit issued cannot read the company named in the redirect (HTTP ${status}), so it was not connected. Start again from QuickBooks.`,
          { details: { quickbooks_status: status } },
        );
      }
      throw error;
    }
  }

  function grant(
    answer: TokenResponse,
    previousRefreshToken: string | undefined,
    data: Omit<QuickBooksPublicData, 'access_token_expires_at' | 'refresh_token_expires_at'>,
    now: Date,
  ): OAuthGrant<QuickBooksSecret, QuickBooksPublicData> {
    const refreshToken = answer.refresh_token ?? previousRefreshToken;
    if (!refreshToken) {
      throw quickbooksErrors.error('QUICKBOOKS_OAUTH_FAILED', 'Intuit answered without a refresh token.');
    }
    const after = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
    const expiresAt = after(answer.expires_in);
    return {
      secret: { access_token: answer.access_token, refresh_token: refreshToken },
      publicData: {
        ...data,
        access_token_expires_at: expiresAt,
        refresh_token_expires_at:
          answer.x_refresh_token_expires_in === undefined ? null : after(answer.x_refresh_token_expires_in),
      },
      expiresAt,
    };
  }

  return {
    id: 'quickbooks',
    displayName: 'QuickBooks',
    labels: {
      company_name: 'Company',
      country: 'Country',
      fiscal_year_start: 'Fiscal year starts in',
      home_currency: 'Home currency',
      realm_id: 'Company ID',
      environment: 'Environment',
    },
    kind: 'oauth',
    errorCodes: quickbooksErrors.table,
    accounting: quickbooksAccounting({ apiBase, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) }),
    stateInvalidCode: 'QUICKBOOKS_STATE_INVALID',
    oauthFailedCode: 'QUICKBOOKS_OAUTH_FAILED',
    tokenExpiredCode: 'QUICKBOOKS_TOKEN_EXPIRED',
    account: {
      accountId: (data) => data.realm_id,
      inUseCode: 'QUICKBOOKS_COMPANY_IN_USE',
      label: 'QuickBooks company',
      details: (data) => ({ company_name: data.company_name, country: data.country, environment: data.environment }),
    },

    authorizationUrl(state) {
      return authorizationUrl(endpoints().authorize, {
        client_id: options.clientId,
        response_type: 'code',
        scope: QUICKBOOKS_SCOPE,
        redirect_uri: resolveLazy(options.redirectUri),
        state,
      });
    },

    async exchange({ code, query }, context) {
      // The company is named only here, in the redirect: the token response does not.
      const realmId = query.realmId;
      if (!realmId || !REALM_ID.test(realmId)) {
        throw quickbooksErrors.error(
          'QUICKBOOKS_OAUTH_FAILED',
          'Intuit did not say which QuickBooks company was connected.',
        );
      }
      const answer = await tokenCall(client, endpoints().token, 'token', {
        grant_type: 'authorization_code',
        code,
        redirect_uri: resolveLazy(options.redirectUri),
      });
      const info = await verifyCompany(realmId, answer.access_token);
      return grant(
        answer,
        undefined,
        { realm_id: realmId, environment, company_name: companyName(info), country: info.Country ?? null },
        context.clock.now(),
      );
    },

    async refresh({ secret, publicData }, context) {
      const answer = await tokenCall(client, endpoints().token, 'refresh', {
        grant_type: 'refresh_token',
        refresh_token: secret.refresh_token,
      });
      const { access_token_expires_at: _access, refresh_token_expires_at: _refresh, ...data } = publicData;
      return grant(answer, secret.refresh_token, data, context.clock.now());
    },

    async revoke({ secret }) {
      await revocation(() => revokeToken(client, endpoints().revoke, secret.refresh_token));
    },

    async summary({ secret, publicData }) {
      const reader = company(publicData.realm_id, secret.access_token);
      const [info, currency] = await Promise.all([read(() => reader.companyInfo()), read(() => reader.currency())]);
      return {
        company_name: companyName(info) ?? publicData.realm_id,
        country: info.Country ?? null,
        fiscal_year_start: fiscalYearStart(info.FiscalYearStartMonth),
        home_currency: currency?.HomeCurrency?.value ?? null,
        realm_id: publicData.realm_id,
        environment: publicData.environment,
      };
    },

    async test({ secret, publicData }) {
      const info = await read(() => company(publicData.realm_id, secret.access_token).companyInfo());
      return { message: `QuickBooks answered: company "${companyName(info) ?? publicData.realm_id}" is reachable.` };
    },

    statusFields(publicData) {
      return {
        realm_id: publicData.realm_id,
        company_name: publicData.company_name,
        environment: publicData.environment,
        access_token_expires_at: publicData.access_token_expires_at,
      };
    },
  };
}

/** The variables `quickbooksFromEnv` needs; without them QuickBooks is not configured. */
export const QUICKBOOKS_REQUIRED_ENV = [
  'QUICKBOOKS_CLIENT_ID',
  'QUICKBOOKS_CLIENT_SECRET',
  'QUICKBOOKS_REDIRECT_URI',
] as const;

/**
 * Reads `QUICKBOOKS_CLIENT_ID`, `QUICKBOOKS_CLIENT_SECRET`, `QUICKBOOKS_REDIRECT_URI`,
 * `QUICKBOOKS_ENVIRONMENT` (`production` | `sandbox`) and the overrides `QUICKBOOKS_API_BASE`
 * and `QUICKBOOKS_OAUTH_BASE`.
 */
export function quickbooksFromEnv(env: Record<string, string | undefined> = process.env): QuickBooksConnector {
  const read = readEnv('QuickBooks', env);
  const required = read.required(QUICKBOOKS_REQUIRED_ENV);
  const environment = read.choice('QUICKBOOKS_ENVIRONMENT', QUICKBOOKS_ENVIRONMENTS, 'production');
  const apiBase = read.optional('QUICKBOOKS_API_BASE');
  const oauthBase = read.optional('QUICKBOOKS_OAUTH_BASE');
  return quickbooks({
    clientId: required.QUICKBOOKS_CLIENT_ID,
    clientSecret: required.QUICKBOOKS_CLIENT_SECRET,
    redirectUri: required.QUICKBOOKS_REDIRECT_URI,
    environment,
    ...(apiBase ? { apiBase } : {}),
    ...(oauthBase ? { oauthBase } : {}),
  });
}
