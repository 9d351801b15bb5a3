import { Parser } from 'htmlparser2';

/**
 * Product descriptions in shop exports (Shopify's `Body (HTML)`, WooCommerce's descriptions) are
 * HTML; the POS shows plain text. htmlparser2 tokenises the markup and decodes every named and
 * numeric entity; this file only decides what becomes text.
 */

/** Elements whose content is never text a shopper reads. */
const HIDDEN = new Set(['script', 'style', 'template', 'head']);

/** Elements that start and end a line of their own. */
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tr',
  'ul',
]);

/** Table cells: the text of neighbouring cells stays apart. */
const CELLS = new Set(['td', 'th']);

/**
 * HTML as plain text: entities decoded, `<script>`/`<style>` content dropped, block elements
 * (p, div, br, li, h1–h6, tr…) on lines of their own, spaces and tabs collapsed, blank lines
 * removed, trimmed. Line breaks in the source text are kept as line breaks (WordPress writes
 * paragraphs that way). Text without `<` or `&` has no markup and is only trimmed.
 */
export function htmlToText(html: string): string {
  if (!html.includes('<') && !html.includes('&')) return html.trim();
  const parts: string[] = [];
  let hidden = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (HIDDEN.has(name)) hidden++;
        else if (BLOCKS.has(name)) parts.push('\n');
      },
      onclosetag(name, implied) {
        if (HIDDEN.has(name)) hidden = Math.max(0, hidden - 1);
        else if (BLOCKS.has(name) && !(implied && name === 'br')) parts.push('\n');
        else if (CELLS.has(name)) parts.push(' ');
      },
      ontext(text) {
        if (hidden === 0) parts.push(text);
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return parts
    .join('')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n\s*/g, '\n')
    .trim();
}
