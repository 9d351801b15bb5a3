import { json, type SimulatedResponse } from '../exchange.js';

export const REST_PREFIX = '/rest/v1';

/** A key the gateway accepts: the role it stands for, and that role's JWT it forwards (none: not forwarded). */
export interface GatewayKey {
  role: string;
  jwt?: string;
}

/** What the gateway saw of one request, to check which headers a client sent. */
export interface GatewayRequest {
  method: string;
  path: string;
  apikey: string | null;
  authorization: string | null;
  prefer: string | null;
}

/** A request the gateway lets through to PostgREST: the path below `/rest/v1` and the Authorization to send. */
export interface GatewayPass {
  path: string;
  role: string;
  authorization: string | null;
}

/**
 * Supabase's API gateway (recording each request in `requests` when given) in front of PostgREST, the part both a simulated and a real PostgREST sit
 * behind: it serves `/rest/v1`, requires an `apikey` (header or query), answers with its own error
 * shapes (no `code` field, shared/providers.md §6.2), lets only elevated keys read the schema root,
 * and sends the key's JWT on as the Bearer token when the client sent none. A client's own
 * Authorization goes on as it is, so PostgREST judges it: an `sb_…` key sent as a Bearer token
 * fails there, which is where Supabase is ambiguous and this is strict.
 */
export function supabaseGateway(keys: Map<string, GatewayKey>, requests?: GatewayRequest[]) {
  return (request: GatewayRequest): GatewayPass | SimulatedResponse => {
    requests?.push(request);
    const pathname = request.path.split('?')[0] as string;
    if (pathname !== REST_PREFIX && !pathname.startsWith(`${REST_PREFIX}/`)) {
      return json(404, { message: 'no Route matched with those values' });
    }
    if (!request.apikey) {
      return json(401, {
        message: 'No API key found in request',
        hint: 'No `apikey` request header or url param was found.',
      });
    }
    const key = keys.get(request.apikey);
    if (!key) {
      return json(401, {
        message: 'Invalid API key',
        hint: 'Double check your Supabase `anon` or `service_role` API key.',
      });
    }
    const path = pathname.slice(REST_PREFIX.length) || '/';
    if (path === '/' && key.role !== 'service_role') {
      return json(403, {
        message: 'Access to schema is forbidden',
        hint: 'Accessing the schema via the Data API is only allowed using a secret API key.',
      });
    }
    const authorization = request.authorization ?? (key.jwt ? `Bearer ${key.jwt}` : null);
    return { path, role: key.role, authorization };
  };
}
