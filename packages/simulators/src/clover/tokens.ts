import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenKind = 'access' | 'refresh';

/** What a simulated Clover token says about itself. */
export interface TokenClaims {
  kind: TokenKind;
  merchant: string;
  /** Unix seconds. */
  expires: number;
  /** The revocation generation it was issued in (see `CloverTokens.revoke`). */
  generation: number;
  nonce: string;
}

/**
 * Clover tokens that carry their own claims under an HMAC, so a simulator that signs with a fixed
 * key accepts the tokens it issued before a restart. Revoking moves a generation on: tokens of
 * older generations are refused, whatever the clock says.
 */
export function cloverTokens(signingKey: string) {
  const generations: Record<TokenKind, number> = { access: 0, refresh: 0 };
  const mac = (body: string) => createHmac('sha256', signingKey).update(body).digest('base64url');
  return {
    issue(kind: TokenKind, merchant: string, expires: number): string {
      const claims: TokenClaims = {
        kind,
        merchant,
        expires,
        generation: generations[kind],
        nonce: randomBytes(9).toString('hex'),
      };
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return `clv_${kind === 'access' ? 'at' : 'rt'}.${body}.${mac(body)}`;
    },
    /** The claims of a genuine, unrevoked token of `kind` that has not expired at `now` (seconds). */
    verify(token: string, kind: TokenKind, now: number): TokenClaims | undefined {
      const [, body, signature] = token.split('.');
      if (!body || !signature) return undefined;
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
