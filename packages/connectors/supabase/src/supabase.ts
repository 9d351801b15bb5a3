import {
  type ApiKeyConnector,
  type ConnectorContext,
  type ConnectorCredentials,
  IntegrationError,
  type Lazy,
  maskSecret,
  providerCalls,
  type RetryPolicy,
  readEnv,
  resolveBase,
  type SyncEntity,
} from '@pos/integrations-core/connector';
import { z } from 'zod';
import { supabaseErrors } from './errors.js';
import {
  authHeaders,
  describe,
  errorBody,
  exchange,
  isJwt,
  postgrestTarget,
  projectSender,
  type Send,
  transientError,
} from './postgrest.js';

const REST_PATH = '/rest/v1';
const MANAGEMENT_API_URL = 'https://api.supabase.com';
const projectPath = (ref: string) => `/v1/projects/${encodeURIComponent(ref)}`;
const HOSTED_DOMAIN = '.supabase.co';

/** Where the built-in entities go, and their key within a tenant (the remote key is `tenant_id` plus it). */
export const DEFAULT_SUPABASE_TABLES: Readonly<Record<string, SyncEntity>> = {
  products: { table: 'pos_products', key: ['sku'] },
  customers: { table: 'pos_customers', key: ['id'] },
  payments: { table: 'pos_payments', key: ['order_id'] },
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * `https://<ref>.supabase.co` or a custom domain; a pasted `/rest/v1` is dropped. Whether the
 * address may be called (public https, or a host the server allows) is the outbound guard's
 * decision, on every call.
 */
const projectUrl = z
  .string()
  .trim()
  .max(300)
  .pipe(z.url({ protocol: /^https?$/, message: 'must be the project URL, e.g. https://abcd.supabase.co' }))
  .transform((value) => {
    const url = new URL(value);
    return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/rest\/v1$/, '')}`;
  });

const token = (what: string) =>
  z
    .string()
    .trim()
    .min(1)
    .min(20, `is too short for a ${what}: copy all of it from the Supabase dashboard`)
    .max(4096)
    .regex(/^\S+$/, 'must not contain spaces');

export const supabaseCredentialsSchema = z
  .object({
    project_url: projectUrl,
    service_key: token('secret key (sb_secret_…) or the service_role key').refine(
      (key) => key.startsWith('sb_') || isJwt(key),
      'must be a secret key (sb_secret_…) or the legacy service_role key (a JWT)',
    ),
    access_token: z.preprocess(
      (value) => (value === '' ? undefined : value),
      token('personal access token').optional(),
    ),
  })
  .strict();

export type SupabaseCredentialsInput = z.input<typeof supabaseCredentialsSchema>;
type SupabaseCredentialsParsed = z.output<typeof supabaseCredentialsSchema>;
export type SupabaseSecret = { service_key: string; access_token?: string };
export type SupabasePublicData = {
  project_url: string;
  project_ref: string | null;
  project_name: string;
  key_type: 'secret' | 'service_role';
  service_key_masked: string;
  access_token_masked: string | null;
};
type SupabaseCredentials = ConnectorCredentials<SupabaseSecret, SupabasePublicData>;

export interface SupabaseOptions {
  /** Entity → table and key, over {@link DEFAULT_SUPABASE_TABLES} (e.g. `{ orders: { table: 'pos_orders', key: ['order_id'] } }`). */
  tables?: Record<string, SyncEntity>;
  /** The Management API base (a mock, the demo simulator); a function is read per call. */
  managementApiUrl?: Lazy<string>;
  retry?: RetryPolicy;
  timeoutMs?: number;
}

function invalid(message: string): IntegrationError {
  return supabaseErrors.error('SUPABASE_INVALID_CREDENTIALS', message, { needsReconnect: true });
}

/** The key's role, read from a legacy JWT's payload (its signature is the server's business). */
function jwtRole(key: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(key.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      role?: unknown;
    };
    return typeof payload.role === 'string' ? payload.role : undefined;
  } catch {
    return undefined;
  }
}

/** Publishable and anon keys cannot write past row-level security: refuse them before any call. */
function keyType(key: string): SupabasePublicData['key_type'] {
  if (key.startsWith('sb_secret_')) return 'secret';
  if (key.startsWith('sb_publishable_')) {
    throw invalid('That is a publishable key. Paste a secret key (sb_secret_…) from Project Settings → API Keys.');
  }
  if (isJwt(key)) {
    const role = jwtRole(key);
    if (role === 'anon' || role === 'authenticated') {
      throw invalid(`That is the ${role} key. Paste the service_role key or, better, a secret key (sb_secret_…).`);
    }
    return 'service_role';
  }
  throw invalid('The key is not a Supabase secret key (sb_secret_…) or service_role key.');
}

/** The project ref is the subdomain of `<ref>.supabase.co`; other hosts have none. */
function projectRef(url: string): string | null {
  const { hostname } = new URL(url);
  return hostname.endsWith(HOSTED_DOMAIN) ? hostname.slice(0, -HOSTED_DOMAIN.length) || null : null;
}

function validateTables(tables: Record<string, SyncEntity>): Record<string, SyncEntity> {
  for (const [entity, { table, key }] of Object.entries(tables)) {
    if (!IDENTIFIER.test(table) || key.length === 0 || !key.every((column) => IDENTIFIER.test(column))) {
      throw new IntegrationError('VALIDATION_FAILED', `The Supabase table for "${entity}" needs a plain name and key.`);
    }
  }
  return tables;
}

interface OpenApiRoot {
  version: string | null;
  paths: string[];
}

interface ManagementProject {
  name?: string;
  region?: string;
  status?: string;
}

/** `12.2.3`, `12.0.2 (a4e00ff)`: PostgREST's version as its OpenAPI root states it. */
const VERSION = /^v?\d{1,4}(\.\d{1,4}){1,3}( \([\w.-]{1,40}\))?$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The REST root's OpenAPI description, or undefined when the body does not have that shape:
 * only then is anything of it (table paths, a version-shaped version) used.
 */
function openApiRoot(body: unknown): OpenApiRoot | undefined {
  if (!isObject(body) || !isObject(body.paths)) return undefined;
  if (typeof body.swagger !== 'string' && typeof body.openapi !== 'string') return undefined;
  const version = isObject(body.info) ? body.info.version : undefined;
  return {
    version: typeof version === 'string' && VERSION.test(version) ? version : null,
    paths: Object.keys(body.paths),
  };
}

/** The Management API's project, its fields kept only when they are short strings. */
function managementProject(body: unknown): ManagementProject {
  if (!isObject(body)) return {};
  const field = (name: string) => {
    const value = body[name];
    return typeof value === 'string' && value.length <= 200 ? { [name]: value } : {};
  };
  return { ...field('name'), ...field('region'), ...field('status') };
}

/** The Management API's base is the platform's (or the host's simulator), not a merchant's. */
const managementSender: Send = (url, init) => fetch(url, { ...init, redirect: 'manual' });

/** Supabase as the POS's data hub: a secret key validated live, a health check, and the sync target. */
export function supabase(
  options: SupabaseOptions = {},
): ApiKeyConnector<SupabaseCredentialsParsed, SupabaseSecret, SupabasePublicData> {
  const call = providerCalls({ retry: options.retry });
  const timeoutMs = options.timeoutMs ?? 15_000;
  const tables = validateTables({ ...DEFAULT_SUPABASE_TABLES, ...options.tables });
  const managementUrl = () => resolveBase(options.managementApiUrl ?? MANAGEMENT_API_URL);

  /** `GET /rest/v1/`: answers 200 only to a secret or service_role key. */
  function readSchema(url: string, serviceKey: string, context: ConnectorContext): Promise<OpenApiRoot> {
    const send = projectSender(context.outbound);
    return call(async () => {
      const response = await exchange(send, `${url}${REST_PATH}/`, { headers: authHeaders(serviceKey), timeoutMs });
      if (response.status === 200) {
        const root = openApiRoot(response.body);
        if (root) return root;
        throw invalid(
          `No Supabase REST API answered at ${url}${REST_PATH}/: the answer (HTTP 200) is not its API description.`,
        );
      }
      const transient = transientError(response);
      if (transient) throw transient;
      const error = errorBody(response.body);
      if (response.status === 404) throw invalid(`No Supabase REST API answered at ${url}${REST_PATH}/ (HTTP 404).`);
      if (response.status === 403) {
        throw invalid(`This key may not read the project's schema: ${describe(error, response.status)}.`);
      }
      throw invalid(`Supabase rejected the service key: ${describe(error, response.status)}.`);
    });
  }

  function readProject(ref: string, accessToken: string): Promise<ManagementProject> {
    return call(async () => {
      const response = await exchange(managementSender, `${managementUrl()}${projectPath(ref)}`, {
        headers: { authorization: `Bearer ${accessToken}` },
        timeoutMs,
      });
      if (response.status === 200) return managementProject(response.body);
      const transient = transientError(response);
      if (transient) throw transient;
      if (response.status === 404 || response.status === 403) {
        throw invalid(`The access token cannot see the Supabase project "${ref}".`);
      }
      throw invalid(`Supabase rejected the access token (HTTP ${response.status}).`);
    });
  }

  /** What the REST root says about the synced tables: which exist, which the setup SQL still has to create. */
  function tableReport(schema: OpenApiRoot) {
    const visible = new Set(schema.paths.map((path) => path.replace(/^\//, '')));
    const synced = [...new Set(Object.values(tables).map((entity) => entity.table))];
    return { tables: synced.filter((t) => visible.has(t)), missing_tables: synced.filter((t) => !visible.has(t)) };
  }

  return {
    id: 'supabase',
    displayName: 'Supabase',
    labels: {
      project_name: 'Project',
      project_ref: 'Project reference',
      project_url: 'Project URL',
      project_status: 'Project status',
      postgrest_version: 'PostgREST version',
    },
    kind: 'api_key',
    features: ['supabase', 'sync'],
    errorCodes: supabaseErrors.table,
    notConnectedCode: 'SUPABASE_NOT_CONNECTED',
    credentialsSchema: supabaseCredentialsSchema,
    credentialFields: [
      {
        name: 'project_url',
        label: 'Project URL',
        secret: false,
        required: true,
        placeholder: 'https://abcd.supabase.co',
      },
      { name: 'service_key', label: 'Secret key', secret: true, required: true, placeholder: 'sb_secret_…' },
      {
        name: 'access_token',
        label: 'Personal access token (optional, for the project name)',
        secret: true,
        required: false,
        placeholder: 'sbp_…',
      },
    ],

    async verify({ project_url, service_key, access_token }, context) {
      const type = keyType(service_key);
      const ref = projectRef(project_url);
      if (access_token && !ref) {
        throw invalid('An access token only works with a https://<ref>.supabase.co project URL: leave it empty.');
      }
      const [, project] = await Promise.all([
        readSchema(project_url, service_key, context),
        access_token && ref ? readProject(ref, access_token) : undefined,
      ]);
      return {
        secret: { service_key, ...(access_token ? { access_token } : {}) },
        publicData: {
          project_url,
          project_ref: ref,
          project_name: project?.name ?? ref ?? new URL(project_url).host,
          key_type: type,
          service_key_masked: maskSecret(service_key),
          access_token_masked: access_token ? maskSecret(access_token) : null,
        },
      };
    },

    async summary({ secret, publicData }: SupabaseCredentials, context) {
      const ref = publicData.project_ref;
      const [schema, project] = await Promise.all([
        readSchema(publicData.project_url, secret.service_key, context),
        secret.access_token && ref ? readProject(ref, secret.access_token) : undefined,
      ]);
      return {
        project_name: project?.name ?? ref ?? new URL(publicData.project_url).host,
        project_ref: ref,
        project_url: publicData.project_url,
        region: project?.region ?? null,
        project_status: project?.status ?? null,
        postgrest_version: schema.version,
        ...tableReport(schema),
      };
    },

    async test({ secret, publicData }: SupabaseCredentials, context) {
      const { missing_tables } = tableReport(await readSchema(publicData.project_url, secret.service_key, context));
      const advice =
        missing_tables.length > 0
          ? ` Missing tables: ${missing_tables.join(', ')} (run the setup SQL from the Supabase guide).`
          : '';
      return { message: `Supabase answered: the REST API accepts this key.${advice}` };
    },

    statusFields(publicData) {
      return {
        project_url: publicData.project_url,
        project_ref: publicData.project_ref,
        project_name: publicData.project_name,
        key_type: publicData.key_type,
        service_key_masked: publicData.service_key_masked,
      };
    },

    sync: {
      entities: tables,
      open({ secret, publicData }, context) {
        return postgrestTarget(
          `${publicData.project_url}${REST_PATH}`,
          secret.service_key,
          timeoutMs,
          context.outbound,
        );
      },
    },
  };
}

/** Reads `SUPABASE_MANAGEMENT_API_URL` (optional) from the environment. */
export function supabaseFromEnv(env: Record<string, string | undefined> = process.env): ReturnType<typeof supabase> {
  const managementApiUrl = readEnv('Supabase', env).optional('SUPABASE_MANAGEMENT_API_URL');
  return supabase(managementApiUrl ? { managementApiUrl } : {});
}
