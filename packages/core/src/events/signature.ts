import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries an event delivery's signature. */
export const EVENT_SIGNATURE_HEADER = 'POS-Signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>`, the way Stripe
 * signs its webhooks: the time is signed with the body, so a receiver can refuse old replays.
 */
export function signEventBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * Checks a `POS-Signature` header against the raw body: the signature must match and its time be
 * within `toleranceSeconds` (default 300) of `nowSeconds`. For receivers written in TypeScript;
 * `docs/events.md` shows the same check with `node:crypto` alone.
 */
export function verifyEventSignature(
  secret: string,
  body: string,
  header: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const parts = header.split(',').map((part) => part.split('=', 2) as [string, string | undefined]);
  const t = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signEventBody(secret, body, t).slice(`t=${t},v1=`.length), 'hex');
  return parts
    .filter(([key]) => key === 'v1')
    .some(([, value]) => {
      const given = Buffer.from(value ?? '', 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
