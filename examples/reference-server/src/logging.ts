/**
 * The server's logs: one JSON object per line with pino, and one line per HTTP request with
 * pino-http (request id, tenant, route, status, duration). Requests are logged without their
 * headers, query strings or bodies, which carry API keys, cookies and OAuth codes; the field
 * names that hold secrets are redacted wherever else they appear.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';
import { pinoHttp } from 'pino-http';
import type { LogLevel } from './config.js';

/** Field paths whose values are replaced by `[redacted]` in every entry. */
export const REDACTED_PATHS = [
  'authorization',
  'cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  '*.authorization',
  '*.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.access_token',
  '*.refresh_token',
  '*.service_key',
  '*.client_secret',
  '*.api_key',
];

/** A pino logger writing JSON lines to `destination` (stdout by default). */
export function serverLogger(level: LogLevel, destination?: DestinationStream): PinoLogger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** A caller's `X-Request-Id` when it is a plain token, else a new one. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

type ExpressRequest = IncomingMessage & { route?: { path?: unknown }; originalUrl?: string };
type ExpressResponse = ServerResponse & { locals?: Record<string, unknown> };

/** The path without its query string: queries carry OAuth codes and states. */
const pathOf = (req: ExpressRequest) => (req.originalUrl ?? req.url ?? '').split('?')[0];

/** The route that answered (`/api/data-manager/batches/:id`) and the tenant it acted for. */
function requestProps(req: ExpressRequest, res: ExpressResponse): Record<string, unknown> {
  const route = req.route?.path;
  const tenant = res.locals?.tenantId;
  return {
    ...(typeof route === 'string' ? { route } : {}),
    ...(typeof tenant === 'string' ? { tenant } : {}),
  };
}

/** Probes are asked every few seconds; their lines would drown the rest. */
const PROBES = new Set(['/healthz', '/readyz']);

/** One line per request when its answer is sent: warn for 4xx, error for 5xx. */
export function requestLogger(logger: PinoLogger): RequestHandler {
  return pinoHttp<ExpressRequest, ExpressResponse>({
    logger,
    genReqId: requestId,
    autoLogging: { ignore: (req) => PROBES.has(pathOf(req) ?? '') },
    quietReqLogger: true,
    customProps: requestProps,
    customAttributeKeys: { responseTime: 'duration_ms' },
    serializers: {
      req: (req: { id: unknown; method: string; raw: ExpressRequest }) => ({
        id: req.id,
        method: req.method,
        path: pathOf(req.raw),
      }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    customSuccessMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
  }) as unknown as RequestHandler;
}
