import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPrice, MAX_PRICE_MINOR, parsePrice } from '../src/batches/money.js';

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
    ['3.00 €', 'EUR', 300],
    ['1 234.56', 'USD', 123456],
    ['1\u00a0234\u00a0567.89', 'USD', 123456789],
    ['1,234', 'USD', 123400],
    ['1,234,567', 'JPY', 1234567],
    ['1250', 'JPY', 1250],
    ['1.234', 'KWD', 1234],
    ['9999999999.99', 'USD', 999999999999],
  ] as const)('reads %s %s as %i', (text, currency, minor) => {
    expect(parsePrice(text, currency)).toEqual({ ok: true, minor });
  });

  it.each([
    ['12.505', 'USD', 'has more than 2 decimals for USD'],
    ['12.50', 'JPY', 'must be a whole amount: JPY has no minor unit'],
    ['12,5,0', 'USD', 'must be an amount such as 12.50'],
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

  describe('with decimal commas', () => {
    it.each([
      ['9,99', 'EUR', 999],
      ['12', 'EUR', 1200],
      ['12,5', 'EUR', 1250],
      ['1.234,56', 'EUR', 123456],
      ['1 234,56', 'EUR', 123456],
      ['1\u00a0234,56', 'EUR', 123456],
      ['1\u202f234\u202f567,8', 'EUR', 123456780],
      ['9,99 €', 'EUR', 999],
      ['€ 1.234,50', 'EUR', 123450],
      // A point before exactly three digits separates thousands: 1.234 is 1234.
      ['1.234', 'EUR', 123400],
      ['1.234', 'JPY', 1234],
      ['1,234', 'KWD', 1234],
    ] as const)('reads %s %s as %i', (text, currency, minor) => {
      expect(parsePrice(text, currency, 'comma')).toEqual({ ok: true, minor });
    });

    it('refuses an amount written with a decimal point, naming both conventions', () => {
      for (const text of ['9.99', '1,234.56', '1 234.5']) {
        expect(parsePrice(text, 'EUR', 'comma')).toEqual({
          ok: false,
          message:
            'is not an amount with a decimal comma such as 1234,50 (files separated by ";" are read with decimal commas): use decimal=point for files written with decimal points (1234.50)',
        });
      }
      expect(parsePrice('1.23.4', 'EUR', 'comma')).toEqual({ ok: false, message: 'must be an amount such as 12,50' });
      expect(parsePrice('1.234.5', 'EUR', 'comma')).toEqual({ ok: false, message: 'must be an amount such as 12,50' });
      expect(parsePrice('12,505', 'EUR', 'comma')).toEqual({ ok: false, message: 'has more than 2 decimals for EUR' });
    });

    it('is refused with decimal points, with a message saying how to read it', () => {
      for (const text of ['9,99', '9.999,99', '1 234,56', '1,2']) {
        expect(parsePrice(text, 'EUR')).toEqual({
          ok: false,
          message:
            'is not an amount with a decimal point such as 1234.50: use decimal=comma for files written with decimal commas (1234,50)',
        });
      }
    });

    it('reads every amount written with a decimal comma and thousands separators', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: MAX_PRICE_MINOR }),
          fc.constantFrom('USD', 'JPY', 'KWD', 'EUR'),
          fc.constantFrom('', '.', ' ', '\u00a0', '\u202f'),
          (minor, currency, separator) => {
            const [whole, fraction] = formatPrice(minor, currency).split('.') as [string, string | undefined];
            const grouped = whole.replace(/\B(?=(\d{3})+$)/g, separator);
            const text = fraction === undefined ? grouped : `${grouped},${fraction}`;
            expect(parsePrice(text, currency, 'comma')).toEqual({ ok: true, minor });
            // The same digits with the point convention's marks read the same amount.
            const pointText = text.replaceAll(',', '#').replaceAll('.', ',').replaceAll('#', '.');
            expect(parsePrice(pointText, currency, 'point')).toEqual({ ok: true, minor });
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
