import { createHash, timingSafeEqual } from 'node:crypto';
import { OAUTH_STATE_TTL_MS } from '@pos/integrations-core';
import type { CookieOptions, Request, Response } from 'express';

/**
 * Binds an OAuth flow to the browser that asked for its auth URL: a cookie set with the URL and
 * required on the callback. The cookie holds a hash of the state, so nothing is stored beside
 * the state, and its name carries a short part of that hash, so two flows started in two tabs
 * each keep their own cookie. It is HttpOnly, `SameSite=Lax` (a provider's redirect back is a
 * top-level GET, which carries it), sent only to the callback's path, and lives as long as a state.
 */
const COOKIE_PREFIX = 'pos_oauth_';

/** The flow cookie's name and value for a state (for hosts that set and check it themselves). */
export function oauthFlowCookie(state: string): { name: string; value: string } {
  const digest = createHash('sha256').update(`pos-oauth-browser:${state}`).digest('base64url');
  return { name: `${COOKIE_PREFIX}${digest.slice(0, 12)}`, value: digest };
}

/** Where a provider's callback lives when the router is mounted at `mountPath` (`req.baseUrl`). */
export function oauthCallbackPath(mountPath: string, provider: string): string {
  return `${mountPath.replace(/\/+$/, '')}/api/integrations/${encodeURIComponent(provider)}/callback`;
}

function cookieOptions(req: Request, callbackPath: string): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: req.secure, path: callbackPath };
}

/** Sets the flow's cookie on the response that hands out the auth URL. */
export function bindOAuthFlow(req: Request, res: Response, state: string, callbackPath: string): void {
  const { name, value } = oauthFlowCookie(state);
  res.cookie(name, value, { ...cookieOptions(req, callbackPath), maxAge: OAUTH_STATE_TTL_MS });
}

/** Whether the callback came with the cookie of the flow its `state` belongs to. */
export function isBoundOAuthFlow(req: Request, state: string | undefined): boolean {
  if (!state) return false;
  const { name, value } = oauthFlowCookie(state);
  const presented = readCookie(req.get('cookie'), name);
  if (presented === undefined || presented.length !== value.length) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(value));
}

/** Removes the flow's cookie once its state has been presented (the state is spent either way). */
export function unbindOAuthFlow(req: Request, res: Response, state: string, callbackPath: string): void {
  res.clearCookie(oauthFlowCookie(state).name, cookieOptions(req, callbackPath));
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}
