/** Small text helpers the presets share. */

/** A lowercase ASCII slug: "Blue / XL 🎉" → "blue-xl". */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
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
 * handle and its option values): the same row always gets the same SKU.
 */
export function derivedSku(parts: readonly string[], maxLength = 64): string {
  const key = parts.map(slug).filter(Boolean).join('-') || fingerprint(parts.join('\u0000'));
  if (key.length <= maxLength) return key;
  return `${key.slice(0, maxLength - 9).replace(/-+$/, '')}-${fingerprint(key)}`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** Product descriptions come as HTML; the POS shows plain text. */
export function htmlToText(html: string): string {
  if (!html.includes('<') && !html.includes('&')) return html.trim();
  return html
    .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, name: string) => ENTITIES[name] as string)
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

/**
 * Spreadsheet exports (ours, WooCommerce's) put an apostrophe before a value that starts with
 * `=`, `+`, `-` or `@`, so a spreadsheet does not run it as a formula; reading it back removes it.
 */
export function unescapeFormula(value: string): string {
  return value.charCodeAt(0) === 39 && /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

export function escapeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && !/^[+-]?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
}
