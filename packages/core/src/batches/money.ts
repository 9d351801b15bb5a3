/**
 * Prices are stored as integers in the currency's minor unit (cents for USD, yen for JPY, fils
 * for KWD). The number of minor-unit digits comes from the runtime's ISO 4217 data (Intl).
 */

let knownCurrencies: ReadonlySet<string> | undefined;
const exponents = new Map<string, number>();

/** Largest price accepted, in minor units: far above any till, far below float precision. */
export const MAX_PRICE_MINOR = 999_999_999_999;

export function isCurrencyCode(code: string): boolean {
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return knownCurrencies.has(code);
}

/** Digits after the decimal point for a currency (2 for USD, 0 for JPY, 3 for KWD). */
export function currencyExponent(code: string): number {
  let exponent = exponents.get(code);
  if (exponent === undefined) {
    exponent = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
      .maximumFractionDigits as number;
    exponents.set(code, exponent);
  }
  return exponent;
}

/**
 * How a file writes amounts: `point` (12.50, thousands as 1,234.50) or `comma` (12,50, thousands
 * as 1.234,50). Either also takes a space, a no-break space or a narrow no-break space between
 * thousands (1 234.50, 1 234,50).
 */
export type DecimalMark = 'point' | 'comma';

export const DECIMAL_MARKS: readonly DecimalMark[] = ['point', 'comma'];

// An amount without its currency sign: the whole part, either plain digits or groups of three
// after a first group of one to three, all separated by the same mark; then the decimals. The
// thousands mark of one convention is the decimal mark of the other, so "1,234" is 1234 with a
// decimal point and "1.234" is 1234 with a decimal comma; a separator followed by anything but
// three digits is never a thousands separator ("12,50" has a decimal comma, "12.50" a point).
const AMOUNT: Record<DecimalMark, RegExp> = {
  point: /^(\d{1,3}(?:([, \u00a0\u202f])\d{3})(?:\2\d{3})*|\d+)(?:\.(\d+))?$/,
  comma: /^(\d{1,3}(?:([. \u00a0\u202f])\d{3})(?:\2\d{3})*|\d+)(?:,(\d+))?$/,
};
const THOUSANDS = /[,. \u00a0\u202f]/g;
const SIGNS = '$€£¥';

const EXAMPLE: Record<DecimalMark, string> = { point: '12.50', comma: '12,50' };

/** Said of an amount that is valid only in the other convention: names both and the way out. */
const WRONG_CONVENTION: Record<DecimalMark, string> = {
  point:
    'is not an amount with a decimal point such as 1234.50: use decimal=comma for files written with decimal commas (1234,50)',
  comma:
    'is not an amount with a decimal comma such as 1234,50 (files separated by ";" are read with decimal commas): use decimal=point for files written with decimal points (1234.50)',
};

export type PriceResult = { ok: true; minor: number } | { ok: false; message: string };

const POINT = 46;
const COMMA = 44;

/**
 * "1250" or "12.50" ("12,50" with a decimal comma) with exactly `exponent` decimals: the common
 * case, read without a regex.
 */
function plainAmount(text: string, exponent: number, mark: number): number | undefined {
  const point = text.length - exponent - 1;
  const hasPoint = exponent > 0 && point > 0 && text.charCodeAt(point) === mark;
  if (!hasPoint && text.length > 12) return undefined;
  let minor = 0;
  for (let index = 0; index < text.length; index++) {
    if (hasPoint && index === point) continue;
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return undefined;
    minor = minor * 10 + digit;
  }
  if (!hasPoint) minor *= 10 ** exponent;
  return minor <= MAX_PRICE_MINOR ? minor : undefined;
}

/** The amount without surrounding space and one currency sign before or after it. */
function withoutSign(text: string): string {
  const trimmed = text.trim();
  if (SIGNS.includes(trimmed.charAt(0))) return trimmed.slice(1).trimStart();
  if (SIGNS.includes(trimmed.charAt(trimmed.length - 1))) return trimmed.slice(0, -1).trimEnd();
  return trimmed;
}

/**
 * Parses a decimal amount into minor units without floating-point arithmetic, in the file's
 * convention (`point` unless told otherwise). An amount that only reads in the other convention
 * ("9,99" or "1.234,56" with a decimal point) is refused with a message that names both.
 */
export function parsePrice(text: string, currency: string, decimal: DecimalMark = 'point'): PriceResult {
  const exponent = currencyExponent(currency);
  const plain =
    text.length > 0 && text.length <= 16 ? plainAmount(text, exponent, decimal === 'point' ? POINT : COMMA) : undefined;
  if (plain !== undefined) return { ok: true, minor: plain };
  const amount = withoutSign(text);
  const match = AMOUNT[decimal].exec(amount);
  if (!match) {
    const other = AMOUNT[decimal === 'point' ? 'comma' : 'point'];
    return {
      ok: false,
      message: other.test(amount) ? WRONG_CONVENTION[decimal] : `must be an amount such as ${EXAMPLE[decimal]}`,
    };
  }
  const whole = (match[1] as string).replace(THOUSANDS, '');
  const fraction = match[3] ?? '';
  if (fraction.length > exponent && /[^0]/.test(fraction.slice(exponent))) {
    return {
      ok: false,
      message:
        exponent === 0
          ? `must be a whole amount: ${currency} has no minor unit`
          : `has more than ${exponent} decimals for ${currency}`,
    };
  }
  const minor = Number(whole + fraction.slice(0, exponent).padEnd(exponent, '0'));
  if (minor > MAX_PRICE_MINOR) return { ok: false, message: 'is too large' };
  return { ok: true, minor };
}

/** Minor units back to the decimal text `parsePrice` reads (1250 USD → "12.50"). */
export function formatPrice(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === 0) return String(minor);
  const digits = String(minor).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
