/**
 * The server's logs: one JSON object per line with pino, and one line per HTTP request (request
 * id, tenant, route, status, duration). Requests are logged without their
 * headers, query strings or bodies, which carry API keys, cookies and OAuth codes; the field
 * names that hold secrets are redacted wherever else they appear.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';
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
const pathOf = (req: ExpressRequest) => (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';

/** Probes are asked every few seconds; their lines would drown the rest. */
const PROBES = new Set(['/healthz', '/readyz']);

const levelOf = (status: number) => (status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info');

/**
 * One line per request when its answer is sent: info for 2xx and 3xx, warn for 4xx, error for
 * 5xx; a request whose connection closed before its answer was sent is logged as a warning.
 */
export function requestLogger(logger: PinoLogger): RequestHandler {
  // Every field of these lines is built below from the request id, the method, the path without
  // its query, the route, the tenant, the status and the duration: none holds a secret, so they
  // skip the logger's redaction, which walked every field of every line (bench/README.md).
  const lines = logger.child({}, { redact: [] });
  return (req: ExpressRequest, res: ExpressResponse, next) => {
    const started = performance.now();
    const id = requestId(req, res);
    const path = pathOf(req);
    if (PROBES.has(path)) return next();
    const write = (answered: boolean) => {
      const status = res.statusCode;
      const route = req.route?.path;
      const tenant = res.locals?.tenantId;
      const level = answered ? levelOf(status) : 'warn';
      if (!lines.isLevelEnabled(level)) return;
      lines[level](
        {
          reqId: id,
          req: { id, method: req.method, path },
          ...(typeof route === 'string' ? { route } : {}),
          ...(typeof tenant === 'string' ? { tenant } : {}),
          res: { status },
          duration_ms: Math.round(performance.now() - started),
        },
        answered ? `${req.method} ${path} ${status}` : `${req.method} ${path} closed before it was answered`,
      );
    };
    res.once('finish', () => write(true));
    res.once('close', () => {
      if (!res.writableFinished) write(false);
    });
    next();
  };
}
