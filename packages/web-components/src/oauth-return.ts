/**
 * The OAuth round trip's last leg. The server redirects the provider's callback to the return
 * URL with `?provider=…&status=connected|error&error_code=…`. When that page was opened as the
 * Connect popup, it hands the result to the card that opened it with `postMessage` (same origin
 * only) and closes; after a full-page redirect the page shows the result itself.
 */
export interface OAuthResult {
  type: 'pos-oauth-result';
  provider: string;
  status: 'connected' | 'error';
  error_code?: string;
}

const PROVIDER = /^[a-z0-9_-]{1,64}$/;
const CODE = /^[A-Z0-9_]{1,64}$/;

/** The result a return URL carries, or null when it carries none (or a malformed one). */
export function oauthResultFromUrl(url: string | URL): OAuthResult | null {
  const params = new URL(url, 'http://return.invalid').searchParams;
  const provider = params.get('provider') ?? '';
  const status = params.get('status');
  if (!PROVIDER.test(provider) || (status !== 'connected' && status !== 'error')) return null;
  const code = params.get('error_code') ?? '';
  return {
    type: 'pos-oauth-result',
    provider,
    status,
    ...(status === 'error' ? { error_code: CODE.test(code) ? code : 'OAUTH_FAILED' } : {}),
  };
}

export function isOAuthResult(value: unknown): value is OAuthResult {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<OAuthResult>;
  return (
    candidate.type === 'pos-oauth-result' &&
    typeof candidate.provider === 'string' &&
    (candidate.status === 'connected' || candidate.status === 'error')
  );
}

/**
 * Call on the return page. In the popup it posts the result to the opener (this origin only),
 * closes the window and returns `'delivered'`; otherwise it returns the result for the page to
 * show (`null` when the URL carries none).
 */
export function deliverOAuthResult(win: Window = window): OAuthResult | 'delivered' | null {
  const result = oauthResultFromUrl(win.location.href);
  if (!result) return null;
  const opener = win.opener as Window | null;
  if (opener && !opener.closed) {
    try {
      opener.postMessage(result, win.location.origin);
      win.close();
      return 'delivered';
    } catch {
      // The opener navigated elsewhere: fall back to showing the result here.
    }
  }
  return result;
}
