import {
  type ApiKeyConnector,
  type ConnectorCredentials,
  type Lazy,
  maskSecret,
  providerCalls,
  type RetryPolicy,
  readEnv,
  resolveLazy,
} from '@pos/integrations-core/connector';
import { type Square, SquareClient } from 'square';
import { z } from 'zod';
import { squareCatalogue } from './catalogue.js';
import { fromSquareError, squareErrors } from './errors.js';

const PRODUCTION_BASE_URL = 'https://connect.squareup.com';
const SANDBOX_BASE_URL = 'https://connect.squareupsandbox.com';

export const squareCredentialsSchema = z
  .object({
    access_token: z
      .string()
      .trim()
      .min(1)
      .min(16, 'is too short for a Square access token: copy the whole token from the Square Developer Console')
      .max(512)
      .regex(/^\S+$/, 'must not contain spaces'),
    location_id: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a Square location id'),
    environment: z.enum(['sandbox', 'production']).default('production'),
  })
  .strict();

/** What a merchant submits (`environment` defaults to production). */
export type SquareCredentialsInput = z.input<typeof squareCredentialsSchema>;
type SquareCredentialsParsed = z.output<typeof squareCredentialsSchema>;
export type SquareSecret = { access_token: string };
export type SquarePublicData = {
  location_id: string;
  location_name: string;
  merchant_id: string | null;
  environment: 'sandbox' | 'production';
  access_token_masked: string;
};
type SquareCredentials = ConnectorCredentials<SquareSecret, SquarePublicData>;

export interface SquareOptions {
  /** Overrides both environments' base URL (a mock server, a proxy); a function is read per call. */
  baseUrl?: Lazy<string>;
  retry?: RetryPolicy;
  timeoutSeconds?: number;
}

function formatAddress(address: Square.Address | undefined): string {
  if (!address) return '';
  const region = [address.administrativeDistrictLevel1, address.postalCode].filter(Boolean).join(' ');
  return [address.addressLine1, address.addressLine2, address.locality, region, address.country]
    .filter(Boolean)
    .join(', ');
}

/** Square, connected with an access token and a location id. */
export function square(
  options: SquareOptions = {},
): ApiKeyConnector<SquareCredentialsParsed, SquareSecret, SquarePublicData> {
  const call = providerCalls({ retry: options.retry, mapError: fromSquareError });

  const clientFor = (accessToken: string, environment: 'sandbox' | 'production') =>
    new SquareClient({
      token: accessToken,
      baseUrl: resolveLazy(options.baseUrl ?? (environment === 'sandbox' ? SANDBOX_BASE_URL : PRODUCTION_BASE_URL)),
      // Retries are ours (bounded, honouring Retry-After), not the SDK's.
      maxRetries: 0,
      timeoutInSeconds: options.timeoutSeconds ?? 15,
    });

  async function retrieveLocation(accessToken: string, locationId: string, environment: 'sandbox' | 'production') {
    const client = clientFor(accessToken, environment);
    return call(async () => {
      const { location } = await client.locations.get({ locationId });
      if (!location?.id) throw new Error('Square answered without a location.');
      return location;
    });
  }

  const locationOf = (credentials: SquareCredentials) =>
    retrieveLocation(
      credentials.secret.access_token,
      credentials.publicData.location_id,
      credentials.publicData.environment,
    );

  return {
    id: 'square',
    displayName: 'Square',
    labels: {
      location_name: 'Location',
      business_name: 'Business',
      location_status: 'Location status',
      timezone: 'Time zone',
    },
    kind: 'api_key',
    errorCodes: squareErrors.table,
    credentialsSchema: squareCredentialsSchema,
    credentialFields: [
      { name: 'access_token', label: 'Access token', secret: true, required: true, placeholder: 'EAAA…' },
      { name: 'location_id', label: 'Location ID', secret: false, required: true, placeholder: 'L1ABC…' },
      {
        name: 'environment',
        label: 'Environment',
        secret: false,
        required: false,
        options: ['production', 'sandbox'],
        default: 'production',
      },
    ],

    async verify({ access_token, location_id, environment }) {
      const location = await retrieveLocation(access_token, location_id, environment);
      return {
        secret: { access_token },
        publicData: {
          location_id: location.id ?? location_id,
          location_name: location.name ?? location.businessName ?? location_id,
          merchant_id: location.merchantId ?? null,
          environment,
          access_token_masked: maskSecret(access_token),
        },
      };
    },

    async summary(credentials) {
      const location = await locationOf(credentials);
      return {
        location_name: location.name ?? location.businessName ?? credentials.publicData.location_id,
        address: formatAddress(location.address),
        capabilities: [...(location.capabilities ?? [])],
        business_name: location.businessName ?? null,
        location_status: location.status ?? null,
        currency: location.currency ?? null,
        timezone: location.timezone ?? null,
      };
    },

    async test(credentials) {
      const location = await locationOf(credentials);
      return { message: `Square answered: location "${location.name ?? location.id}" is reachable.` };
    },

    catalogue: squareCatalogue({
      client: (credentials) => clientFor(credentials.secret.access_token, credentials.publicData.environment),
      retry: options.retry,
    }),

    statusFields(publicData) {
      return {
        location_id: publicData.location_id,
        location_name: publicData.location_name,
        environment: publicData.environment,
        access_token_masked: publicData.access_token_masked,
      };
    },
  };
}

/** Reads `SQUARE_BASE_URL` (optional) from the environment. */
export function squareFromEnv(env: Record<string, string | undefined> = process.env): ReturnType<typeof square> {
  const baseUrl = readEnv('Square', env).optional('SQUARE_BASE_URL');
  return square(baseUrl ? { baseUrl } : {});
}
