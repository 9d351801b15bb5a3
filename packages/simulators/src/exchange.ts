/**
 * The one shape every simulator speaks, whatever carries it: a request in, a response out. The
 * adapters (`./node.ts` for Node.js and Express, `./msw.ts` for msw) only translate to and from it,
 * so a provider's behaviour is written once and served the same way to a demo and to tests.
 */

/** A request as a simulator sees it. */
export interface SimulatedRequest {
  method: string;
  /** The path below the simulator's root, starting with `/`. */
  path: string;
  query: URLSearchParams;
  headers: { get(name: string): string | null };
  /** The raw body, `''` when there is none. */
  body: string;
  /** The simulator's root as the client reached it, e.g. `http://127.0.0.1:3000/demo/stripe`. */
  root: string;
}

/** What a simulator answers. */
export interface SimulatedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A simulated provider (or one of its hosts): answers the requests it knows, `undefined` to the rest. */
export interface Simulator {
  /** Sent as `X-Simulated` on every answer, so nobody mistakes it for the provider. */
  readonly name: string;
  /** What it answers, as `METHOD /path` (`:name` a path segment, `ANY` any method), for route listings. */
  readonly routes: readonly string[];
  handle(request: SimulatedRequest): Promise<SimulatedResponse | undefined>;
}

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): SimulatedResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(value),
});

export const html = (body: string): SimulatedResponse => ({
  status: 200,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body,
});

export const text = (status: number, body: string): SimulatedResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});

export const redirect = (status: 302 | 303, location: string): SimulatedResponse => ({
  status,
  headers: { location },
  body: '',
});

export const empty = (status: number): SimulatedResponse => ({ status, headers: {}, body: '' });

/** The fields of a form-encoded body. */
export const formOf = (request: SimulatedRequest): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(request.body));

/** The fields of a JSON object body; `{}` when it is not one. */
export function jsonOf(request: SimulatedRequest): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(request.body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type Handler = (
  request: SimulatedRequest,
  params: Record<string, string>,
) => SimulatedResponse | undefined | Promise<SimulatedResponse | undefined>;

export type Route = [method: string, pattern: string, handler: Handler];

/**
 * A simulator from a list of routes: `method` (or `*` for any) and a path pattern whose `:name`
 * segments match one segment each. The first route that matches answers.
 */
export function simulator(name: string, routes: Route[]): Simulator {
  const compiled = routes.map(([method, pattern, handler]) => {
    const names: string[] = [];
    const source = pattern.replace(/:(\w+)/g, (_, param: string) => {
      names.push(param);
      return '([^/]+)';
    });
    return { method, regex: new RegExp(`^${source}$`), names, handler };
  });
  return {
    name,
    routes: routes.map(([method, pattern]) => `${method === '*' ? 'ANY' : method} ${pattern}`),
    async handle(request) {
      for (const route of compiled) {
        if (route.method !== '*' && route.method !== request.method) continue;
        const match = route.regex.exec(request.path);
        if (!match) continue;
        const params = Object.fromEntries(
          route.names.map((param, index) => [param, decodeURIComponent(match[index + 1] ?? '')]),
        );
        const answer = await route.handler(request, params);
        if (!answer) return undefined;
        return { ...answer, headers: { ...answer.headers, 'x-simulated': name } };
      }
      return undefined;
    },
  };
}

/** One simulator answering what any of `parts` answers (a provider's hosts served from one root). */
export function combine(name: string, ...parts: Simulator[]): Simulator {
  return {
    name,
    routes: parts.flatMap((part) => part.routes),
    async handle(request) {
      for (const part of parts) {
        const answer = await part.handle(request);
        if (answer) return answer;
      }
      return undefined;
    },
  };
}
