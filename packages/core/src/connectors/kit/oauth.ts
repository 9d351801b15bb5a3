/**
 * What an OAuth connector's `exchange` receives: the provider's redirect, its state already
 * consumed by core (the code is exchanged at most once) and its code present.
 */
export interface OAuthRedirect {
  /** The authorization code, single use. */
  code: string;
  /** The state core issued and has just consumed. */
  state: string;
  /**
   * Every parameter of the redirect as a plain string, `code` and `state` included (Clover names
   * the merchant here).
   */
  query: Readonly<Record<string, string>>;
}

/** The redirect's parameters as an {@link OAuthRedirect}; `code` and `state` are empty when absent. */
export function oauthRedirect(query: Readonly<Record<string, string>>): OAuthRedirect {
  return { code: query.code ?? '', state: query.state ?? '', query };
}

/**
 * A provider's consent page URL: `endpoint` with `params` in the order given, those left
 * undefined omitted (an optional `redirect_uri`).
 */
export function authorizationUrl(endpoint: string, params: Readonly<Record<string, string | undefined>>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, value);
  return `${endpoint}?${search}`;
}
