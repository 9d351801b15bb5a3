import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type GatewayKey, type GatewayRequest, supabaseGateway } from '@pos/simulators';

import { type PostgresCluster, startPostgresCluster } from './postgres.js';
import { type PostgrestServer, startPostgrest } from './postgrest.js';

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

function send(res: ServerResponse, answer: { status: number; headers: Record<string, string>; body: string }) {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/** Supabase's gateway (from @pos/simulators) as a proxy in front of a real PostgREST. */
function gateway(upstream: string, keys: Map<string, GatewayKey>, requests: GatewayRequest[]) {
  const admit = supabaseGateway(keys, requests);
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const passed = admit({
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      apikey: req.headers.apikey?.toString() ?? url.searchParams.get('apikey'),
      authorization: req.headers.authorization ?? null,
      prefer: req.headers.prefer?.toString() ?? null,
    });
    if ('status' in passed) return send(res, passed);
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.apikey;
    if (passed.authorization) headers.authorization = passed.authorization;
    const target = new URL(upstream);
    target.pathname = passed.path;
    target.search = url.search;
    const proxied = httpRequest(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    proxied.on('error', () =>
      send(res, {
        status: 502,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'An invalid response was received from the upstream server' }),
      }),
    );
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
