import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type PostgresCluster, startPostgresCluster } from './postgres.js';
import { type PostgrestServer, startPostgrest } from './postgrest.js';

const REST_PREFIX = '/rest/v1';

/** The roles a Supabase project has before any of the merchant's SQL runs. */
const SUPABASE_BOOTSTRAP_SQL = `
create role anon nologin noinherit;
create role authenticated nologin noinherit;
create role service_role nologin noinherit bypassrls;
create role authenticator login noinherit;
grant anon, authenticated, service_role to authenticator;
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
`;

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An HS256 JWT, as Supabase's legacy `anon` and `service_role` keys are. */
export function signSupabaseJwt(secret: string, claims: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** What the gateway saw of one request, to check which headers a client sent. */
export interface GatewayRequest {
  method: string;
  path: string;
  apikey: string | null;
  authorization: string | null;
  prefer: string | null;
}

export interface SupabaseStack {
  /** What a merchant pastes as the project URL; the REST API is under `/rest/v1`. */
  projectUrl: string;
  /** New-style keys (not JWTs): the gateway maps them to roles. */
  secretKey: string;
  publishableKey: string;
  /** Legacy JWT keys. */
  serviceRoleKey: string;
  anonKey: string;
  postgres: PostgresCluster;
  postgrest: PostgrestServer;
  /** Requests the gateway received, oldest first. */
  requests: GatewayRequest[];
  /** Runs SQL as the database owner and returns psql's unaligned output. */
  sql(query: string): string;
  /** The rows of a query, as JSON. */
  rows<T = Record<string, unknown>>(query: string): T[];
  stop(): Promise<void>;
}

function psql(url: string, query: string): string {
  const result = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-tA', '-f', '-'], {
    input: query,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`psql failed:\n${result.stderr}`);
  return result.stdout.trim();
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Supabase's API gateway in miniature, in front of a real PostgREST: it serves PostgREST under
 * `/rest/v1`, requires an `apikey`, turns new `sb_…` keys into the matching role's JWT, and
 * answers with the gateway's own error shapes (no `code` field). It is strict where Supabase is
 * ambiguous: an `sb_…` key sent as a Bearer token goes on to PostgREST as is, which rejects it.
 */
function gateway(upstream: string, keys: Map<string, { role: string; jwt: string }>, requests: GatewayRequest[]) {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const apikey = req.headers.apikey?.toString() ?? url.searchParams.get('apikey');
    const authorization = req.headers.authorization ?? null;
    requests.push({
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      apikey,
      authorization,
      prefer: req.headers.prefer?.toString() ?? null,
    });
    if (url.pathname !== REST_PREFIX && !url.pathname.startsWith(`${REST_PREFIX}/`)) {
      return send(res, 404, { message: 'no Route matched with those values' });
    }
    if (!apikey) {
      return send(res, 401, {
        message: 'No API key found in request',
        hint: 'No `apikey` request header or url param was found.',
      });
    }
    const key = keys.get(apikey);
    if (!key) {
      return send(res, 401, {
        message: 'Invalid API key',
        hint: 'Double check your Supabase `anon` or `service_role` API key.',
      });
    }
    const path = url.pathname.slice(REST_PREFIX.length) || '/';
    if (path === '/' && key.role !== 'service_role') {
      return send(res, 403, {
        message: 'Access to schema is forbidden',
        hint: 'Accessing the schema via the Data API is only allowed using a secret API key.',
      });
    }
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.apikey;
    if (!authorization) headers.authorization = `Bearer ${key.jwt}`;
    const target = new URL(upstream);
    target.pathname = path;
    target.search = url.search;
    const proxied = httpRequest(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    proxied.on('error', () => send(res, 502, { message: 'An invalid response was received from the upstream server' }));
    req.pipe(proxied);
  });
}

/**
 * A Supabase-shaped project on this machine: a throwaway PostgreSQL with Supabase's roles, the
 * given setup SQL, a real PostgREST with a JWT secret, and the gateway above it. One per test file.
 */
export async function startSupabaseStack(options: { setupSql?: string } = {}): Promise<SupabaseStack> {
  const postgres = await startPostgresCluster();
  let postgrest: PostgrestServer | undefined;
  try {
    psql(postgres.url, SUPABASE_BOOTSTRAP_SQL);
    if (options.setupSql) psql(postgres.url, options.setupSql);
    const jwtSecret = randomBytes(32).toString('hex');
    const issued = Math.floor(Date.now() / 1000);
    const jwt = (role: string) =>
      signSupabaseJwt(jwtSecret, { iss: 'supabase', role, iat: issued, exp: issued + 3600 });
    const serviceRoleKey = jwt('service_role');
    const anonKey = jwt('anon');
    const secretKey = `sb_secret_${randomBytes(16).toString('base64url')}`;
    const publishableKey = `sb_publishable_${randomBytes(16).toString('base64url')}`;
    const keys = new Map([
      [secretKey, { role: 'service_role', jwt: serviceRoleKey }],
      [publishableKey, { role: 'anon', jwt: anonKey }],
      [serviceRoleKey, { role: 'service_role', jwt: serviceRoleKey }],
      [anonKey, { role: 'anon', jwt: anonKey }],
    ]);
    const server = await startPostgrest({
      dbUri: `postgres://authenticator@127.0.0.1:${postgres.port}/postgres`,
      jwtSecret,
      anonRole: 'anon',
    });
    postgrest = server;
    const requests: GatewayRequest[] = [];
    const proxy = gateway(server.url, keys, requests);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    return {
      projectUrl: `http://127.0.0.1:${port}`,
      secretKey,
      publishableKey,
      serviceRoleKey,
      anonKey,
      postgres,
      postgrest: server,
      requests,
      sql: (query) => psql(postgres.url, query),
      rows<T>(query: string): T[] {
        const text = psql(postgres.url, `select coalesce(json_agg(q), '[]'::json) from (${query}) q`);
        return JSON.parse(text) as T[];
      },
      async stop() {
        await new Promise<void>((resolve) => {
          proxy.close(() => resolve());
          proxy.closeAllConnections();
        });
        await server.stop();
        postgres.stop();
      },
    };
  } catch (error) {
    await postgrest?.stop();
    postgres.stop();
    throw error;
  }
}
