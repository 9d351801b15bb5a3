import { transliterate } from 'transliteration';

/** Small text helpers the presets share. */

/** Options given on every call, so a host's `transliterate.config()` cannot change our SKUs. */
const TRANSLITERATION = {
  unknown: '',
  ignore: [],
  replace: [],
  replaceAfter: [],
  trim: false,
  fixChineseSpacing: true,
};

/**
 * A lowercase ASCII slug: "Blue / XL 🎉" → "blue-xl", "Классическая футболка" → "klassicheskaya-futbolka",
 * "经典" → "jing-dian". Non-ASCII text is transliterated (the `transliteration` package, pinned so a
 * slug never changes under an upgrade); what has no Latin reading (emoji) is dropped.
 */
export function slug(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range
  const ascii = /^[\u0000-\u007f]*$/.test(text) ? text : transliterate(text.normalize('NFC'), TRANSLITERATION);
  return ascii
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** 32-bit FNV-1a as 8 hex digits: a short stable fingerprint for over-long derived keys. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * A stable SKU from the parts that identify a variant in an export without SKUs (a Shopify
 * handle and its option values): the same row always gets the same SKU. Parts are slugged
 * (transliterated when not Latin); only when nothing is left (a handle of emoji) is the SKU a
 * fingerprint of the parts.
 */
export function derivedSku(parts: readonly string[], maxLength = 64): string {
  const key = parts.map(slug).filter(Boolean).join('-') || fingerprint(parts.join('\u0000'));
  if (key.length <= maxLength) return key;
  return `${key.slice(0, maxLength - 9).replace(/-+$/, '')}-${fingerprint(key)}`;
}

/**
 * Spreadsheet exports (ours, WooCommerce's) put an apostrophe before a value that starts with
 * `=`, `+`, `-` or `@`, so a spreadsheet does not run it as a formula; reading it back removes it.
 * A value that already starts with apostrophes before such a character gets one more, so every
 * text survives the round trip.
 */
export function unescapeFormula(value: string): string {
  return value.charCodeAt(0) === 39 && /^'+[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

export function escapeFormula(value: string): string {
  return /^'*[=+\-@\t\r]/.test(value) && !/^[+-]?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
}
