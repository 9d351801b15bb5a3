import { IntegrationError } from '@pos/integrations-core';
import type { RequestHandler } from 'express';

/** Which web pages on other origins may call the API from a browser (see `docs/api.md`). */
export interface CorsOptions {
  /** Exact origins, `scheme://host[:port]` (e.g. `https://pos.example.com`). */
  origins: readonly string[];
  /**
   * Lets those pages send cookies with their calls (`Access-Control-Allow-Credentials`). Off by
   * default: the API authenticates with the `Authorization` header, which needs no cookie.
   */
  credentials?: boolean;
  /** How long a browser may keep a preflight's answer, in seconds (default 600). */
  maxAgeSeconds?: number;
}

const METHODS = 'GET, POST, PUT, DELETE';
const REQUEST_HEADERS = 'Authorization, Content-Type, Idempotency-Key';
/** Headers our answers carry that a page reads: a background batch's `Location`, a 429's `Retry-After`. */
const EXPOSED_HEADERS = 'Location, Retry-After';

/** `https://pos.example.com` of `https://pos.example.com/`; refuses anything but a bare origin. */
export function normalizeOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new IntegrationError('VALIDATION_FAILED', `"${value}" is not an origin such as https://pos.example.com.`);
  }
  const bare = (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username;
  if (!['http:', 'https:'].includes(url.protocol) || !bare) {
    throw new IntegrationError('VALIDATION_FAILED', `"${value}" is not an origin such as https://pos.example.com.`);
  }
  return url.origin;
}

/**
 * Answers browsers' cross-origin checks for the configured origins only: a call from another
 * origin gets no CORS header (the browser then refuses to show the page the answer), and its
 * preflight is answered `204` without them.
 */
export function corsHandler(options: CorsOptions): RequestHandler {
  const allowed = new Set(options.origins.map(normalizeOrigin));
  const maxAge = String(options.maxAgeSeconds ?? 600);
  return (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin');
    const preflight = req.method === 'OPTIONS' && req.get('access-control-request-method') !== undefined;
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      if (options.credentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
      if (preflight) {
        res.setHeader('Access-Control-Allow-Methods', METHODS);
        res.setHeader('Access-Control-Allow-Headers', REQUEST_HEADERS);
        res.setHeader('Access-Control-Max-Age', maxAge);
      } else {
        res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
      }
    }
    if (preflight) {
      res.status(204).end();
      return;
    }
    next();
  };
}
