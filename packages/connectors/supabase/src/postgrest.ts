import {
  IntegrationError,
  type OutboundHttp,
  type OutboundInit,
  readBoundedJson,
  type SyncTarget,
  transientStatus,
  unreachable,
} from '@pos/integrations-core/connector';
import { supabaseErrors } from './errors.js';

/** PostgREST's upsert preference: merge on the key, answer without a body. */
const UPSERT_PREFER = 'resolution=merge-duplicates,return=minimal';
const DELETE_PREFER = 'return=minimal';
/** Delete filters go in the URL; keep it well below what gateways accept. */
const MAX_FILTER_LENGTH = 6_000;

/** PostgREST's error body; the gateway's own errors only have `message` and `hint`. */
export interface PostgrestErrorBody {
  code?: string | null;
  message?: string | null;
  details?: string | null;
  hint?: string | null;
}

export interface SupabaseResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body; `undefined` when the answer was not JSON (its text is never kept). */
  body: unknown;
}

/** How a request is sent: through the outbound guard for the merchant's project URL. */
export type Send = (url: string, init: OutboundInit) => Promise<Response>;

/** Sends to the merchant's project: public https addresses only, no redirects (see core's outbound guard). */
export function projectSender(outbound: OutboundHttp): Send {
  return (url, init) => outbound.fetch(url, { ...init, subject: 'The project URL' });
}

/** Secret keys (`sb_secret_…`) are not JWTs and must never be sent as a Bearer token. */
export function isJwt(key: string): boolean {
  return /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(key);
}

export function authHeaders(key: string): Record<string, string> {
  return isJwt(key) ? { apikey: key, authorization: `Bearer ${key}` } : { apikey: key };
}

/** Large enough for the OpenAPI description of a project with many tables. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * One HTTP exchange; network failures and timeouts become `PROVIDER_UNAVAILABLE`, statuses are
 * returned, and the guard's refusals (`VALIDATION_FAILED`) pass through.
 */
export async function exchange(
  send: Send,
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: unknown; timeoutMs: number },
): Promise<SupabaseResponse> {
  try {
    const response = await send(url, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...init.headers,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: await readBoundedJson(response, MAX_BODY_BYTES),
    };
  } catch (error) {
    if (error instanceof IntegrationError) throw error;
    throw unreachable('Supabase', error);
  }
}

const ERROR_FIELDS = new Set(['code', 'message', 'details', 'hint']);
const ERROR_CODE = /^(PGRST\d{3}|[0-9A-Z]{5})$/;

/**
 * The body as a PostgREST or gateway error, or `{}` when it does not have that shape: an
 * object of at most `code`, `message`, `details` and `hint`, short strings or null, with a
 * `message`, and a `code` in PostgREST's or SQLSTATE's form. Anything else is reported by its
 * HTTP status only, so a host that is not Supabase never has its text repeated.
 */
export function errorBody(body: unknown): PostgrestErrorBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const entries = Object.entries(body);
  const shaped =
    entries.every(
      ([key, value]) =>
        ERROR_FIELDS.has(key) && (value === null || (typeof value === 'string' && value.length <= 1_000)),
    ) &&
    typeof (body as PostgrestErrorBody).message === 'string' &&
    ((body as PostgrestErrorBody).code == null || ERROR_CODE.test((body as PostgrestErrorBody).code as string));
  return shaped ? (body as PostgrestErrorBody) : {};
}

const sentence = (text: string) => text.trim().replace(/\.+$/, '');

/**
 * The parts of a PostgREST or gateway error worth showing, in one line without a final period;
 * only the HTTP status for an answer of another shape.
 */
export function describe(error: PostgrestErrorBody, status: number): string {
  if (!error.message) return `an unexpected answer (HTTP ${status})`;
  const parts = [sentence(error.message)];
  if (error.code) parts[0] = `${parts[0]} (${error.code})`;
  if (error.details) parts.push(sentence(error.details));
  if (error.hint) parts.push(`Hint: ${sentence(error.hint)}`);
  return parts.join('. ');
}

/** 429 and 5xx: worth retrying. Returns undefined for every other status. */
export function transientError(response: SupabaseResponse): IntegrationError | undefined {
  return transientStatus('Supabase', response.status, {
    headers: response.headers,
    details: { http_status: response.status },
  });
}

function keyRejected(response: SupabaseResponse): IntegrationError {
  return supabaseErrors.error(
    'SUPABASE_INVALID_CREDENTIALS',
    `Supabase rejected the service key: ${describe(errorBody(response.body), response.status)}.`,
    { needsReconnect: true, details: { http_status: response.status } },
  );
}

/**
 * A write PostgREST refused. Data errors (SQLSTATE classes 22 and 23: a duplicate, a null, a
 * bad value) concern particular rows; anything else (a missing table, a permission) the batch.
 */
function rejected(table: string, response: SupabaseResponse, error: PostgrestErrorBody): IntegrationError {
  const scope = /^2[23]/.test(error.code ?? '') ? 'rows' : 'batch';
  return supabaseErrors.error('SUPABASE_SYNC_REJECTED', describe(error, response.status), {
    details: {
      scope,
      table,
      http_status: response.status,
      provider_error: {
        code: error.code ?? null,
        message: error.message ?? null,
        details: error.details ?? null,
        hint: error.hint ?? null,
      },
    },
  });
}

/** Quotes a value for a PostgREST `in.(…)` list: reserved characters stay data. */
function quoted(value: unknown): string {
  return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Delete filters for rows keyed by `key`: rows sharing every key value but the last go in one
 * request (`tenant_id=eq.t&sku=in.("a","b")`), split further to keep the URL short.
 */
export function deleteFilters(key: readonly string[], rows: readonly Record<string, unknown>[]): URLSearchParams[] {
  const fixed = key.slice(0, -1);
  const last = key.at(-1) as string;
  const groups = new Map<string, { prefix: unknown[]; values: unknown[] }>();
  for (const row of rows) {
    const prefix = fixed.map((column) => row[column]);
    const id = JSON.stringify(prefix);
    const group = groups.get(id) ?? { prefix, values: [] };
    group.values.push(row[last]);
    groups.set(id, group);
  }
  const filters: URLSearchParams[] = [];
  for (const { prefix, values } of groups.values()) {
    let batch: string[] = [];
    let length = 0;
    const flush = () => {
      const params = new URLSearchParams(fixed.map((column, index) => [column, `eq.${String(prefix[index])}`]));
      params.set(last, `in.(${batch.join(',')})`);
      filters.push(params);
      batch = [];
      length = 0;
    };
    for (const value of values) {
      const item = quoted(value);
      if (batch.length > 0 && length + item.length > MAX_FILTER_LENGTH) flush();
      batch.push(item);
      length += encodeURIComponent(item).length + 1;
    }
    if (batch.length > 0) flush();
  }
  return filters;
}

/** The sync target of one Supabase project: upserts and deletes through PostgREST. */
export function postgrestTarget(
  restUrl: string,
  serviceKey: string,
  timeoutMs: number,
  outbound: OutboundHttp,
): SyncTarget {
  const send = projectSender(outbound);
  async function write(
    method: 'POST' | 'DELETE',
    table: string,
    query: URLSearchParams,
    prefer: string,
    body?: unknown,
  ) {
    const response = await exchange(send, `${restUrl}/${table}?${query}`, {
      method,
      headers: { ...authHeaders(serviceKey), prefer },
      body,
      timeoutMs,
    });
    if (response.status < 300) return;
    const transient = transientError(response);
    if (transient) throw transient;
    if (response.status === 401) throw keyRejected(response);
    let error = errorBody(response.body);
    if (!error.code && response.status === 404) error = await explainNotFound(table);
    throw rejected(table, response, error);
  }

  /** PostgREST 12.0 answers a write to an unknown table with an empty 404; a read says why. */
  async function explainNotFound(table: string): Promise<PostgrestErrorBody> {
    const probe = await exchange(send, `${restUrl}/${table}?limit=0`, { headers: authHeaders(serviceKey), timeoutMs });
    const body = errorBody(probe.body);
    return body.code ? body : { message: `Supabase has no table "${table}" (HTTP 404)` };
  }

  return {
    async upsert(table, conflict, rows) {
      const columns = Object.keys(rows[0] ?? {});
      const query = new URLSearchParams({ on_conflict: conflict.join(','), columns: columns.join(',') });
      await write('POST', table, query, UPSERT_PREFER, rows);
    },
    async delete(table, key, keys) {
      for (const query of deleteFilters(key, keys)) await write('DELETE', table, query, DELETE_PREFER);
    },
  };
}
