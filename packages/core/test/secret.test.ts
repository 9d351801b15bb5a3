import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecret, redact, Secret } from '../src/connector.js';

describe('masking', () => {
  it('shows a known prefix and the last four characters', () => {
    expect(maskSecret('sq0atp-abcdefghijklmnopqrstuv9f2c')).toBe('sq0atp-...9f2c');
    expect(maskSecret('acct_1Nv0FGQ9RKHgCVdK1234')).toBe('acct_...1234');
    expect(maskSecret('sb_secret_abcdefghijklmnopqrstuvwxyz')).toBe('sb_secret_...wxyz');
    expect(maskSecret('eyJhbGciOiJIUzI1NiJ9.payload.signatureabcd')).toBe('...abcd');
    expect(maskSecret('short')).toBe('****');
  });

  it('never contains a long enough part of the secret to matter', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 12, maxLength: 120 }), (value) => {
        const masked = maskSecret(value);
        expect(masked.length).toBeLessThan(value.length);
        expect(masked).not.toBe(value);
      }),
    );
  });

  it('redacts every occurrence of the given secrets', () => {
    const token = 'sq0atp-0123456789abcdef0123';
    expect(redact(`Bearer ${token} failed; retry ${token}`, [token])).toBe(
      'Bearer sq0atp-...0123 failed; retry sq0atp-...0123',
    );
  });
});

describe('Secret', () => {
  it('reveals its value only through reveal()', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 12, maxLength: 80 }), (value) => {
        fc.pre(!maskSecret(value).includes(value));
        const secret = new Secret(value);
        expect(secret.reveal()).toBe(value);
        for (const shown of [
          String(secret),
          `${secret}`,
          JSON.stringify({ secret }),
          inspect(secret),
          inspect({ nested: { secret } }, { depth: 5 }),
        ]) {
          expect(shown).not.toContain(value);
        }
      }),
    );
  });
});
