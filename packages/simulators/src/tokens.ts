import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenKind = 'access' | 'refresh';

/** What a simulated OAuth token says about itself. */
export interface TokenClaims {
  kind: TokenKind;
  /** What the token opens: a Clover merchant, a QuickBooks company. */
  subject: string;
  /** Unix seconds. */
  expires: number;
  /** The revocation generation it was issued in (see `revoke`). */
  generation: number;
  /** The consent it descends from: refreshes keep it, so a provider can revoke a whole chain. */
  grant: string;
  nonce: string;
}

/**
 * OAuth tokens that carry their own claims under an HMAC, so a simulator that signs with a fixed
 * key accepts the tokens it issued before a restart. Revoking a kind moves its generation on:
 * tokens of older generations are refused, whatever the clock says. `prefixes` name each kind
 * the way the provider's tokens look (`clv_at`), which also keeps one provider's tokens from
 * being taken for another's.
 */
export function signedTokens(signingKey: string, prefixes: Readonly<Record<TokenKind, string>>) {
  const generations: Record<TokenKind, number> = { access: 0, refresh: 0 };
  const mac = (body: string) => createHmac('sha256', signingKey).update(body).digest('base64url');
  return {
    /** A new token; `grant` defaults to a fresh one (a new consent). */
    issue(kind: TokenKind, subject: string, expires: number, grant = randomBytes(9).toString('hex')): string {
      const claims: TokenClaims = {
        kind,
        subject,
        expires,
        generation: generations[kind],
        grant,
        nonce: randomBytes(9).toString('hex'),
      };
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return `${prefixes[kind]}.${body}.${mac(body)}`;
    },
    /** The claims of a genuine, unrevoked token of `kind` that has not expired at `now` (seconds). */
    verify(token: string, kind: TokenKind, now: number): TokenClaims | undefined {
      const [prefix, body, signature] = token.split('.');
      if (prefix !== prefixes[kind] || !body || !signature) return undefined;
      const expected = Buffer.from(mac(body));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
      if (claims.kind !== kind || claims.expires <= now || claims.generation < generations[kind]) return undefined;
      return claims;
    },
    revoke(kind: TokenKind) {
      generations[kind] += 1;
    },
  };
}

export type SignedTokens = ReturnType<typeof signedTokens>;
