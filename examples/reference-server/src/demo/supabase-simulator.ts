import express, { type Request, type Response, Router } from 'express';
import { DEMO_SUPABASE_KEY } from './constants.js';

/** The tables of the setup SQL (docs/integrations/supabase-setup.md) and their keys. */
const TABLES: Record<string, string[]> = {
  pos_products: ['tenant_id', 'sku'],
  pos_customers: ['tenant_id', 'id'],
  pos_payments: ['tenant_id', 'order_id'],
};

type Row = Record<string, unknown>;

function gatewayError(res: Response, message: string, hint: string) {
  res.status(401).json({ message, hint });
}

function postgrestError(res: Response, status: number, code: string, message: string, details: string | null = null) {
  res.status(status).json({ code, message, details, hint: null });
}

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
function filterOf(query: Request['query']): ((row: Row) => boolean) | undefined {
  const tests: Array<(row: Row) => boolean> = [];
  for (const [column, raw] of Object.entries(query)) {
    if (typeof raw !== 'string') return undefined;
    if (raw.startsWith('eq.')) tests.push((row) => String(row[column]) === raw.slice(3));
    else if (raw.startsWith('in.(') && raw.endsWith(')')) {
      const values = new Set(inList(raw));
      tests.push((row) => values.has(String(row[column])));
    } else return undefined;
  }
  return (row) => tests.every((test) => test(row));
}

/**
 * A simulated Supabase REST API (PostgREST behind the gateway) for demo mode only: it accepts
 * the documented demo secret key, knows the setup SQL's tables, keeps rows in memory, and marks
 * every response `X-Simulated: supabase`. `GET /rest/v1/<table>` shows what the sync delivered.
 */
export function supabaseSimulator(): Router {
  const rows = new Map<string, Map<string, Row>>(Object.keys(TABLES).map((table) => [table, new Map()]));
  const router = Router();
  router.use((req, res, next) => {
    res.setHeader('X-Simulated', 'supabase');
    const apikey = req.get('apikey');
    if (!apikey)
      return gatewayError(res, 'No API key found in request', 'No `apikey` request header or url param was found.');
    if (apikey !== DEMO_SUPABASE_KEY) {
      return gatewayError(res, 'Invalid API key', 'Double check your Supabase `anon` or `service_role` API key.');
    }
    // New secret keys are not JWTs: as a Bearer token they fail like PostgREST's JWT check.
    if (req.get('authorization')) {
      return postgrestError(
        res,
        401,
        'PGRST301',
        'JWSError (CompactDecodeError Invalid number of parts: Expected 3 parts; got 1)',
      );
    }
    next();
  });

  router.get('/rest/v1/', (_req, res) => {
    res.json({
      swagger: '2.0',
      info: { title: 'standard public schema', version: '12.0.2 (simulated)' },
      paths: Object.fromEntries([['/', {}], ...Object.keys(TABLES).map((table) => [`/${table}`, {}])]),
    });
  });

  router.all('/rest/v1/:table', express.json({ limit: '5mb' }), (req, res) => {
    const table = req.params.table as string;
    const stored = rows.get(table);
    const key = TABLES[table];
    if (!stored || !key) {
      return postgrestError(res, 404, '42P01', `relation "public.${table}" does not exist`);
    }
    if (req.method === 'GET') return res.json([...stored.values()]);
    if (req.method === 'POST') {
      const body: Row[] = Array.isArray(req.body) ? req.body : [req.body];
      for (const row of body) {
        if (key.some((column) => row[column] === undefined || row[column] === null)) {
          return postgrestError(
            res,
            400,
            '23502',
            `null value in column "${key.find((c) => row[c] == null)}" violates not-null constraint`,
          );
        }
      }
      for (const row of body) {
        const id = JSON.stringify(key.map((column) => String(row[column])));
        stored.set(id, { ...stored.get(id), ...row });
      }
      return res.status(201).end();
    }
    if (req.method === 'DELETE') {
      const matches = filterOf(req.query);
      if (!matches || Object.keys(req.query).length === 0) {
        return postgrestError(res, 400, 'PGRST100', 'The demo simulator understands eq. and in.() filters only.');
      }
      for (const [id, row] of stored) if (matches(row)) stored.delete(id);
      return res.status(204).end();
    }
    return postgrestError(res, 405, 'PGRST117', `Unsupported HTTP method: ${req.method}`);
  });
  return router;
}
