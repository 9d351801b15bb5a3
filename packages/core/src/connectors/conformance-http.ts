import type { Connector } from '../connectors.js';

/** The integrations of one test, served by the host's HTTP router (mounted at the root) on a real port. */
export interface ConformanceServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Request headers that authenticate as the tenant: the suite uses `tenant-a` and `tenant-b`. */
  headers(tenantId: string): Record<string, string>;
  /** Every line the host's logger received so far. */
  loggerLines(): readonly string[];
  close(): Promise<void>;
}

/** Serves the connector alone, over fresh storage, for each test of the suite. */
export interface ConformanceHost {
  start(connector: Connector): Promise<ConformanceServer>;
}

export interface ConformanceResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field.
  body: any;
  text: string;
}

/**
 * A small client for the suite: JSON in and out, redirects not followed, and every answer kept
 * in `seen` so the secrets check can read all of them.
 */
export function conformanceClient(server: ConformanceServer, seen: string[]) {
  return async function request(
    method: string,
    path: string,
    options: { tenantId?: string; body?: unknown; cookie?: string } = {},
  ): Promise<ConformanceResponse> {
    const headers: Record<string, string> = options.tenantId ? { ...server.headers(options.tenantId) } : {};
    if (options.cookie) headers.cookie = options.cookie;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    seen.push(text, [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n'));
    const json = response.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body: json, text };
  };
}

export type ConformanceRequest = ReturnType<typeof conformanceClient>;

/** The cookies a response sets, as the `Cookie` header the browser sends back. */
export function cookiesOf(response: ConformanceResponse): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0]?.trim() ?? '')
    .filter(Boolean)
    .join('; ');
}

/** The query of a redirect's `Location`, as plain strings. */
export function redirectParams(response: ConformanceResponse): Record<string, string> {
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) {
    throw new Error(`Expected a redirect, got HTTP ${response.status}: ${response.text}`);
  }
  return Object.fromEntries(new URL(location, 'http://conformance.test').searchParams);
}
