import { IntegrationError, parseRetryAfter, type SyncTarget } from '@pos/integrations-core';
import { FetchError, ofetch } from 'ofetch';

/** PostgREST's upsert preference (providers.md §6.3): merge on the key, answer without a body. */
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
  body: unknown;
}

/** Secret keys (`sb_secret_…`) are not JWTs and must never be sent as a Bearer token. */
export function isJwt(key: string): boolean {
  return /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(key);
}

export function authHeaders(key: string): Record<string, string> {
  return isJwt(key) ? { apikey: key, authorization: `Bearer ${key}` } : { apikey: key };
}

/** One HTTP exchange; network failures and timeouts become `PROVIDER_UNAVAILABLE`, statuses are returned. */
export async function exchange(
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: unknown; timeoutMs: number },
): Promise<SupabaseResponse> {
  try {
    const response = await ofetch.raw(url, {
      method: (init.method ?? 'GET') as 'GET',
      headers: init.headers,
      ...(init.body !== undefined ? { body: init.body as Record<string, unknown> } : {}),
      timeout: init.timeoutMs,
      retry: false,
      ignoreResponseError: true,
    });
    return { status: response.status, headers: response.headers, body: response._data };
  } catch (error) {
    const timedOut = error instanceof FetchError && (error.cause as Error | undefined)?.name === 'TimeoutError';
    throw new IntegrationError(
      'PROVIDER_UNAVAILABLE',
      timedOut ? 'Supabase did not answer in time. Try again shortly.' : 'Supabase could not be reached.',
      { cause: error },
    );
  }
}

export function errorBody(body: unknown): PostgrestErrorBody {
  return typeof body === 'object' && body !== null ? (body as PostgrestErrorBody) : {};
}

const sentence = (text: string) => text.trim().replace(/\.+$/, '');

/** The parts of a PostgREST or gateway error worth showing, in one line without a final period. */
export function describe(error: PostgrestErrorBody): string {
  const parts = [sentence(error.message ?? 'no message')];
  if (error.code) parts[0] = `${parts[0]} (${error.code})`;
  if (error.details) parts.push(sentence(error.details));
  if (error.hint) parts.push(`Hint: ${sentence(error.hint)}`);
  return parts.join('. ');
}

/** 429 and 5xx: worth retrying. Returns undefined for every other status. */
export function transientError(response: SupabaseResponse): IntegrationError | undefined {
  if (response.status === 429) {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    return new IntegrationError('RATE_LIMITED', 'Supabase is rate limiting requests. Try again shortly.', {
      ...(retryAfter !== undefined ? { retryAfter } : {}),
    });
  }
  if (response.status >= 500) {
    return new IntegrationError('PROVIDER_UNAVAILABLE', `Supabase is unavailable (HTTP ${response.status}).`, {
      details: { http_status: response.status },
    });
  }
  return undefined;
}

function keyRejected(response: SupabaseResponse): IntegrationError {
  return new IntegrationError(
    'SUPABASE_INVALID_CREDENTIALS',
    `Supabase rejected the service key: ${describe(errorBody(response.body))}.`,
    { status: 400, needsReconnect: true, details: { http_status: response.status } },
  );
}

/**
 * A write PostgREST refused. Data errors (SQLSTATE classes 22 and 23: a duplicate, a null, a
 * bad value) concern particular rows; anything else (a missing table, a permission) the batch.
 */
function rejected(table: string, response: SupabaseResponse, error: PostgrestErrorBody): IntegrationError {
  const scope = /^2[23]/.test(error.code ?? '') ? 'rows' : 'batch';
  return new IntegrationError('SUPABASE_SYNC_REJECTED', describe(error), {
    status: 422,
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
export function postgrestTarget(restUrl: string, serviceKey: string, timeoutMs: number): SyncTarget {
  async function write(
    method: 'POST' | 'DELETE',
    table: string,
    query: URLSearchParams,
    prefer: string,
    body?: unknown,
  ) {
    const response = await exchange(`${restUrl}/${table}?${query}`, {
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
    const probe = await exchange(`${restUrl}/${table}?limit=0`, { headers: authHeaders(serviceKey), timeoutMs });
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
