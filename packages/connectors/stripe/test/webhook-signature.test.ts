import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { parseSignatureHeader, signatureAgeSeconds, signedBy, signingKey } from '../src/webhook-signature.js';

const SECRET = 'whsec_signatureTestSecret0000000000000';
const OTHER_SECRET = 'whsec_anotherEndpointSecret11111111111';
const NOW = new Date('2026-11-26T12:00:00Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const TOLERANCE = 300;

/** Our verdict for one delivery, in the SDK's terms: accepted, or why not. */
function ours(body: string, header: string, secret: string): 'ok' | 'rejected' {
  const parsed = parseSignatureHeader(header);
  if (!parsed || !signedBy(Buffer.from(body), parsed, signingKey(secret))) return 'rejected';
  return signatureAgeSeconds(parsed, NOW) > TOLERANCE ? 'rejected' : 'ok';
}

const sdkVerifier = Stripe.webhooks.signature;

function sdk(body: string, header: string, secret: string): 'ok' | 'rejected' {
  if (!sdkVerifier) throw new Error('The stripe SDK no longer exposes webhooks.signature.');
  try {
    sdkVerifier.verifyHeader(body, header, secret, TOLERANCE, undefined, NOW.getTime());
    return 'ok';
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) return 'rejected';
    throw error;
  }
}

const sign = (body: string, secret: string, timestamp: number) =>
  Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });
const v1Of = (header: string) => header.slice(header.indexOf('v1=') + 3);

describe("Stripe's webhook signature scheme", () => {
  it('accepts what the SDK signs, from any of several v1 entries, and ignores other schemes', () => {
    const body = JSON.stringify({ id: 'evt_1', note: 'café ☕, "quoted"' });
    const good = sign(body, SECRET, NOW_SECONDS);
    expect(ours(body, good, SECRET)).toBe('ok');
    // While Stripe rolls the endpoint secret, each delivery carries one v1 per live secret.
    const rolled = `${sign(body, OTHER_SECRET, NOW_SECONDS)},v1=${v1Of(good)}`;
    expect(ours(body, rolled, SECRET)).toBe('ok');
    expect(ours(body, rolled, OTHER_SECRET)).toBe('ok');
    expect(ours(body, `${good},v0=${'0'.repeat(64)}`, SECRET)).toBe('ok');
    // A correct signature under another scheme name is a downgrade, not a signature.
    expect(ours(body, good.replace('v1=', 'v0='), SECRET)).toBe('rejected');
    expect(ours(body, good.replace(v1Of(good), v1Of(good).toUpperCase()), SECRET)).toBe('rejected');
    expect(ours(`${body} `, good, SECRET)).toBe('rejected');
    expect(ours(body, good, OTHER_SECRET)).toBe('rejected');
  });

  it('accepts a timestamp up to 300 seconds old or ahead of the clock, and nothing older', () => {
    const body = '{"id":"evt_2"}';
    expect(ours(body, sign(body, SECRET, NOW_SECONDS - 300), SECRET)).toBe('ok');
    expect(ours(body, sign(body, SECRET, NOW_SECONDS - 301), SECRET)).toBe('rejected');
    expect(ours(body, sign(body, SECRET, NOW_SECONDS + 3600), SECRET)).toBe('ok');
  });

  it('finds no timestamp or no v1 entry in malformed headers', () => {
    for (const header of [
      '',
      'whatever',
      't=123',
      'v1=abc',
      't=,v1=abc',
      't=12a,v1=abc',
      't=-5,v1=abc',
      't=123,v0=abc',
    ]) {
      expect(parseSignatureHeader(header)).toBeUndefined();
    }
    expect(parseSignatureHeader('v1=a,t=123,v1=b,v0=c')).toEqual({ timestamp: '123', v1: ['a', 'b'] });
  });

  it('agrees with the SDK on every header built from real and altered parts', () => {
    const entry = fc.oneof(
      fc.constant('signed' as const),
      fc.constant('other_secret' as const),
      fc.constant('v0_signed' as const),
      fc.record({ flip: fc.nat({ max: 63 }) }),
      fc.stringMatching(/^[a-z0-9]{1,3}=[A-Za-z0-9]{0,70}$/),
    );
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.array(entry, { minLength: 0, maxLength: 4 }),
        fc.boolean(),
        (body, offset, entries, tamperBody) => {
          const timestamp = NOW_SECONDS + offset;
          const good = v1Of(sign(body, SECRET, timestamp));
          const parts = [`t=${timestamp}`];
          for (const item of entries) {
            if (item === 'signed') parts.push(`v1=${good}`);
            else if (item === 'other_secret') parts.push(`v1=${v1Of(sign(body, OTHER_SECRET, timestamp))}`);
            else if (item === 'v0_signed') parts.push(`v0=${good}`);
            else if (typeof item === 'string') parts.push(item);
            else {
              const flipped = good[item.flip] === '0' ? '1' : '0';
              parts.push(`v1=${good.slice(0, item.flip)}${flipped}${good.slice(item.flip + 1)}`);
            }
          }
          const header = parts.join(',');
          const received = tamperBody ? `${body}x` : body;
          expect(ours(received, header, SECRET)).toBe(sdk(received, header, SECRET));
        },
      ),
      { numRuns: 500 },
    );
  });
});
