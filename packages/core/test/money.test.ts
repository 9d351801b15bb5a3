import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPrice, MAX_PRICE_MINOR, parsePrice } from '../src/index.js';

describe('prices in minor units', () => {
  it.each([
    ['12.50', 'USD', 1250],
    ['12.5', 'USD', 1250],
    ['12', 'USD', 1200],
    ['0.05', 'USD', 5],
    ['12.500', 'USD', 1250],
    [' 12.50 ', 'USD', 1250],
    ['1,234.50', 'USD', 123450],
    ['$3.00', 'USD', 300],
    ['1250', 'JPY', 1250],
    ['1.234', 'KWD', 1234],
    ['9999999999.99', 'USD', 999999999999],
  ] as const)('reads %s %s as %i', (text, currency, minor) => {
    expect(parsePrice(text, currency)).toEqual({ ok: true, minor });
  });

  it.each([
    ['12.505', 'USD', 'has more than 2 decimals for USD'],
    ['12.50', 'JPY', 'must be a whole amount: JPY has no minor unit'],
    ['12,50', 'USD', 'must be an amount such as 12.50'],
    ['-1.00', 'USD', 'must be an amount such as 12.50'],
    ['1e3', 'USD', 'must be an amount such as 12.50'],
    ['.50', 'USD', 'must be an amount such as 12.50'],
    ['10000000000.00', 'USD', 'is too large'],
  ] as const)('refuses %s %s rather than rounding or guessing', (text, currency, message) => {
    expect(parsePrice(text, currency)).toEqual({ ok: false, message });
  });

  it('reads back every amount it writes, in currencies with 0, 2 and 3 decimals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_PRICE_MINOR }),
        fc.constantFrom('USD', 'JPY', 'KWD', 'EUR'),
        (minor, currency) => {
          expect(parsePrice(formatPrice(minor, currency), currency)).toEqual({ ok: true, minor });
        },
      ),
      { numRuns: 500 },
    );
  });
});
