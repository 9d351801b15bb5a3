import { IntegrationError } from '@pos/integrations-core/connector';
import { ofetch } from 'ofetch';
import { z } from 'zod';
import { fromQuickBooksError } from './errors.js';

/** Intuit's OAuth 2.0 endpoints (shared/providers.md §9); `QUICKBOOKS_OAUTH_BASE` replaces all three hosts. */
export const INTUIT_OAUTH_ENDPOINTS = {
  authorize: 'https://appcenter.intuit.com/connect/oauth2',
  token: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
  revoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
} as const;

export type IntuitOAuthEndpoints = { [Name in keyof typeof INTUIT_OAUTH_ENDPOINTS]: string };

/** The three endpoints under one base, as a simulator or proxy serves them. */
export function intuitEndpointsAt(base: string): IntuitOAuthEndpoints {
  const root = base.replace(/\/+$/, '');
  return {
    authorize: `${root}/connect/oauth2`,
    token: `${root}/oauth2/v1/tokens/bearer`,
    revoke: `${root}/v2/oauth2/tokens/revoke`,
  };
}

/** Intuit's token response; expirations are seconds from now. */
const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().int().positive(),
  x_refresh_token_expires_in: z.number().int().positive().optional(),
});

export type TokenResponse = z.infer<typeof tokenResponse>;

export interface IntuitClient {
  clientId: string;
  clientSecret: string;
  timeout: number;
}

const basic = (client: IntuitClient) =>
  `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;

/**
 * One call to the token endpoint, never retried: a code is single use, and so is a refresh
 * token that Intuit rotated.
 */
export async function tokenCall(
  client: IntuitClient,
  endpoint: string,
  call: 'token' | 'refresh',
  fields: Record<string, string>,
): Promise<TokenResponse> {
  let answer: unknown;
  try {
    answer = await ofetch(endpoint, {
      method: 'POST',
      headers: { authorization: basic(client), accept: 'application/json' },
      body: new URLSearchParams(fields),
      timeout: client.timeout,
      retry: false,
    });
  } catch (error) {
    throw fromQuickBooksError(error, call);
  }
  const parsed = tokenResponse.safeParse(answer);
  if (!parsed.success) {
    throw new IntegrationError(
      call === 'token' ? 'QUICKBOOKS_OAUTH_FAILED' : 'PROVIDER_UNAVAILABLE',
      'Intuit answered without a usable token.',
    );
  }
  return parsed.data;
}

/**
 * Revokes the grant `token` belongs to: Intuit ends its access and refresh tokens alike. Throws
 * what ofetch throws; revoking twice does no harm, so the caller may retry.
 */
export async function revokeToken(client: IntuitClient, endpoint: string, token: string): Promise<void> {
  await ofetch(endpoint, {
    method: 'POST',
    headers: { authorization: basic(client), accept: 'application/json' },
    body: { token },
    timeout: client.timeout,
    retry: false,
  });
}
