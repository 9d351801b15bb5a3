import { empty, json, type SimulatedRequest, type Simulator } from '../exchange.js';
import { type GatewayKey, type GatewayRequest, supabaseGateway } from './gateway.js';

/** The tables of the setup SQL (docs/integrations/supabase-setup.md) and their keys. */
export const SUPABASE_TABLES: Record<string, string[]> = {
  pos_products: ['tenant_id', 'sku'],
  pos_customers: ['tenant_id', 'id'],
  pos_payments: ['tenant_id', 'order_id'],
};

/** The secret key the simulator accepts by default. */
export const SUPABASE_SECRET_KEY = 'sb_secret_simulatedSupabaseProjectKey0123';

type Row = Record<string, unknown>;

const postgrestError = (status: number, code: string, message: string, details: string | null = null) =>
  json(status, { code, message, details, hint: null });

/** The values of a PostgREST `in.(…)` list: quoted (with backslash escapes) or bare. */
function inList(value: string): string[] {
  const values: string[] = [];
  const list = value.slice(4, -1);
  let index = 0;
  while (index < list.length) {
    if (list[index] === '"') {
      let text = '';
      index += 1;
      while (index < list.length && list[index] !== '"') {
        if (list[index] === '\\') index += 1;
        text += list[index] ?? '';
        index += 1;
      }
      values.push(text);
      index += 2;
    } else {
      const end = list.indexOf(',', index);
      values.push(list.slice(index, end === -1 ? undefined : end));
      index = end === -1 ? list.length : end + 1;
    }
  }
  return values;
}

/** `col=eq.v` and `col=in.(…)` filters as a row predicate; other operators are not simulated. */
function filterOf(query: URLSearchParams): ((row: Row) => boolean) | undefined {
  const tests: Array<(row: Row) => boolean> = [];
  for (const [column, raw] of query) {
    if (column === 'apikey') continue;
    if (raw.startsWith('eq.')) tests.push((row) => String(row[column]) === raw.slice(3));
    else if (raw.startsWith('in.(') && raw.endsWith(')')) {
      const values = new Set(inList(raw));
      tests.push((row) => values.has(String(row[column])));
    } else return undefined;
  }
  return tests.length > 0 ? (row) => tests.every((test) => test(row)) : undefined;
}

/** PostgREST's answer to a Bearer token that is not the JWT of a key it knows. */
function jwtProblem(authorization: string, known: Set<string>) {
  const token = authorization.replace(/^Bearer /, '');
  if (known.has(token)) return undefined;
  const parts = token.split('.').length;
  return postgrestError(
    401,
    'PGRST301',
    parts === 3
      ? 'JWSError JWSInvalidSignature'
      : `JWSError (CompactDecodeError Invalid number of parts: Expected 3 parts; got ${parts})`,
  );
}

export interface SupabaseSimulatorOptions {
  /** The keys the gateway accepts (default: `SUPABASE_SECRET_KEY` as the service role, which has no JWT). */
  keys?: Map<string, GatewayKey>;
  /** Where to record what the gateway saw of each request (none by default, so a demo does not grow). */
  requests?: GatewayRequest[];
}

/**
 * A simulated Supabase project's REST API: the gateway (`./gateway.ts`) in front of a PostgREST
 * that keeps the setup SQL's tables in memory (upsert by key on POST, `eq.`/`in.()` filtered
 * DELETE, GET of everything). Every answer carries `X-Simulated: supabase`.
 */
export function createSupabaseSimulator(options: SupabaseSimulatorOptions = {}) {
  const keys = options.keys ?? new Map<string, GatewayKey>([[SUPABASE_SECRET_KEY, { role: 'service_role' }]]);
  const jwts = new Set([...keys.values()].flatMap((key) => (key.jwt ? [key.jwt] : [])));
  const gateway = supabaseGateway(keys, options.requests);
  const rows = new Map<string, Map<string, Row>>(Object.keys(SUPABASE_TABLES).map((table) => [table, new Map()]));

  function table(request: SimulatedRequest, name: string) {
    const stored = rows.get(name);
    const key = SUPABASE_TABLES[name];
    if (!stored || !key) return postgrestError(404, '42P01', `relation "public.${name}" does not exist`);
    if (request.method === 'GET') return json(200, [...stored.values()]);
    if (request.method === 'POST') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(request.body);
      } catch {
        return postgrestError(400, 'PGRST102', 'Empty or invalid json');
      }
      const body = (Array.isArray(parsed) ? parsed : [parsed]) as Row[];
      const missing = body
        .map((row) => key.find((column) => row[column] === undefined || row[column] === null))
        .find(Boolean);
      if (missing)
        return postgrestError(400, '23502', `null value in column "${missing}" violates not-null constraint`);
      for (const row of body) {
        const id = JSON.stringify(key.map((column) => String(row[column])));
        stored.set(id, { ...stored.get(id), ...row });
      }
      return empty(201);
    }
    if (request.method === 'DELETE') {
      const matches = filterOf(request.query);
      if (!matches) return postgrestError(400, 'PGRST100', 'The simulator understands eq. and in.() filters only.');
      for (const [id, row] of stored) if (matches(row)) stored.delete(id);
      return empty(204);
    }
    return postgrestError(405, 'PGRST117', `Unsupported HTTP method: ${request.method}`);
  }

  const simulated: Simulator = {
    name: 'supabase',
    routes: ['GET /rest/v1/', 'ANY /rest/v1/:table'],
    async handle(request) {
      const passed = gateway({
        method: request.method,
        path: `${request.path}${request.query.size > 0 ? `?${request.query}` : ''}`,
        apikey: request.headers.get('apikey') ?? request.query.get('apikey'),
        authorization: request.headers.get('authorization'),
        prefer: request.headers.get('prefer'),
      });
      const answer =
        'status' in passed
          ? passed
          : ((passed.authorization ? jwtProblem(passed.authorization, jwts) : undefined) ??
            (passed.path === '/'
              ? json(200, {
                  swagger: '2.0',
                  info: { title: 'standard public schema', version: '12.0.2 (simulated)' },
                  paths: Object.fromEntries([
                    ['/', {}],
                    ...Object.keys(SUPABASE_TABLES).map((name) => [`/${name}`, {}]),
                  ]),
                })
              : table(request, passed.path.slice(1))));
      return { ...answer, headers: { ...answer.headers, 'x-simulated': 'supabase' } };
    },
  };
  return { simulator: simulated, rows };
}
