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

// "12", "12.5", "1,234.50", "$12.50": an optional currency sign, thousands separated by commas
// in groups of three, a point for decimals. Anything else (e.g. "12,50") is refused rather than guessed.
const DECIMAL = /^[$€£¥]?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;

export type PriceResult = { ok: true; minor: number } | { ok: false; message: string };

/** "1250" or "12.50" with exactly `exponent` decimals: the common case, read without a regex. */
function plainAmount(text: string, exponent: number): number | undefined {
  const point = text.length - exponent - 1;
  const hasPoint = exponent > 0 && point > 0 && text.charCodeAt(point) === 46;
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

/** Parses a decimal amount into minor units without floating-point arithmetic. */
export function parsePrice(text: string, currency: string): PriceResult {
  const exponent = currencyExponent(currency);
  const plain = text.length > 0 && text.length <= 16 ? plainAmount(text, exponent) : undefined;
  if (plain !== undefined) return { ok: true, minor: plain };
  const match = DECIMAL.exec(text.trim());
  if (!match) return { ok: false, message: 'must be an amount such as 12.50' };
  const whole = (match[1] as string).replaceAll(',', '');
  const fraction = match[2] ?? '';
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
