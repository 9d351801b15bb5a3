/**
 * The checkout link the element may show, or undefined. The server's answer is the only source of
 * the URL, and the element cannot know which hosts the server trusts, so the rule is one that is
 * safe whatever the answer says: an absolute `https:` URL, or an `http:` URL on the API's own
 * origin (`api-base`, or this page's origin when it is empty), which is where the reference
 * server's demo simulates Stripe's page. Anything else (`javascript:`, `data:`, plain `http:` to
 * another host, a relative or unparsable URL) is never rendered as a link or a QR code.
 */
export function checkoutLink(url: string | null | undefined, apiBase: string, pageUrl: string): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol === 'https:') return parsed.href;
  if (parsed.protocol !== 'http:') return undefined;
  let apiOrigin: string;
  try {
    apiOrigin = new URL(apiBase || '/', pageUrl).origin;
  } catch {
    return undefined;
  }
  return parsed.origin === apiOrigin ? parsed.href : undefined;
}
