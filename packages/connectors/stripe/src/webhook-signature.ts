import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';

/**
 * Stripe's webhook signature scheme, checked on the raw bytes. The SDK's `constructEvent` does
 * the same but first decodes the body to a string, checks it once per secret and parses the
 * JSON itself; this runs for every delivery, retries included, so the header is read once and
 * the bytes are hashed as they came.
 *
 * `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=…]` signs `${t}.${body}` with
 * HMAC-SHA256 under the endpoint secret. Only `v1` counts: accepting another scheme would let a
 * sender downgrade. Several `v1` entries appear while Stripe rolls the endpoint's secret.
 */
export interface SignatureHeader {
  /** `t` exactly as sent: it is part of the signed bytes. */
  timestamp: string;
  v1: string[];
}

const DIGITS = /^\d{1,15}$/;
const HEX_SIGNATURE_LENGTH = 64;

/** The header's `t` and `v1` entries, or undefined when it has no usable timestamp or no `v1`. */
export function parseSignatureHeader(header: string): SignatureHeader | undefined {
  let timestamp: string | undefined;
  const v1: string[] = [];
  for (const item of header.split(',')) {
    const equals = item.indexOf('=');
    if (equals < 0) continue;
    const key = item.slice(0, equals);
    if (key === 't') timestamp = item.slice(equals + 1);
    else if (key === 'v1') v1.push(item.slice(equals + 1));
  }
  if (timestamp === undefined || !DIGITS.test(timestamp) || v1.length === 0) return undefined;
  return { timestamp, v1 };
}

/** An endpoint secret as an HMAC key, made once: preparing a key from a string costs as much as hashing a delivery. */
export function signingKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/** Whether any `v1` entry is the HMAC of `${t}.${body}` under `key` (compared in constant time). */
export function signedBy(body: Uint8Array, header: SignatureHeader, key: KeyObject): boolean {
  const expected = Buffer.from(
    createHmac('sha256', key).update(`${header.timestamp}.`).update(body).digest('hex'),
    'latin1',
  );
  let matched = false;
  for (const signature of header.v1) {
    const given = Buffer.from(signature, 'utf8');
    if (given.length !== HEX_SIGNATURE_LENGTH) continue;
    // Every entry is compared, so the time taken does not depend on which one matched.
    if (timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}

/** Seconds between the header's timestamp and `now`; negative when it claims a later time. */
export function signatureAgeSeconds(header: SignatureHeader, now: Date): number {
  return Math.floor(now.getTime() / 1000) - Number(header.timestamp);
}
