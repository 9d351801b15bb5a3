import { createHash } from 'node:crypto';
import type { Response } from 'express';

/** Who may frame the server's pages: `[]` is nobody (`frame-ancestors 'none'`). */
export interface PageSecurity {
  frameAncestors: readonly string[];
}

/** A `<style>` block's CSP source: its SHA-256, so the policy needs no `'unsafe-inline'`. */
const styleHash = (style: string) => `'sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}'`;

/**
 * The headers of the server's own HTML pages. Scripts only from this origin (no inline script,
 * no `eval`), styles from this origin or the page's own `<style>` blocks by hash, requests
 * (`fetch`) only to this origin, no plugins, no `<base>`, and framing only by the configured
 * ancestors (nobody by default, also as `X-Frame-Options: DENY` for old browsers).
 */
export function pageSecurityHeaders(security: PageSecurity, inlineStyles: readonly string[] = []) {
  const ancestors = security.frameAncestors.length > 0 ? security.frameAncestors.join(' ') : "'none'";
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    ["style-src 'self'", ...inlineStyles.map(styleHash)].join(' '),
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
  return (res: Response): void => {
    res.setHeader('Content-Security-Policy', policy);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (security.frameAncestors.length === 0) res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
  };
}
