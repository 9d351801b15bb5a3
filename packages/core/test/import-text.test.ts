import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../src/batches/html-text.js';
import { derivedSku, slug } from '../src/batches/text.js';

describe('htmlToText', () => {
  it('decodes named, decimal and hexadecimal entities', () => {
    expect(htmlToText('Cr&egrave;me br&ucirc;l&eacute;e &#233; &#xE9; &#XE9; &eacute;')).toBe('Crème brûlée é é é é');
    expect(
      htmlToText('Fish &amp; chips&nbsp;&mdash;&nbsp;&pound;5 &lt;hot&gt; &quot;fresh&quot; &#39;daily&apos;'),
    ).toBe('Fish & chips — £5 <hot> "fresh" \'daily\'');
    expect(htmlToText('&copy; 2024 &trade; &hellip; &frac12; &alpha;&beta; &#128512; &#x1F600;')).toBe(
      '© 2024 ™ … ½ αβ 😀 😀',
    );
    // An encoded entity is decoded once: the text shows what the merchant wrote.
    expect(htmlToText('Write &amp;eacute; for é')).toBe('Write &eacute; for é');
    expect(htmlToText('AT&T & co; a &unknown; entity')).toBe('AT&T & co; a &unknown; entity');
  });

  it('drops the content of <script> and <style>, and comments', () => {
    const html =
      '<style>p { color: red } .x::after { content: "</p>" }</style><p>Warm beanie</p>' +
      '<script type="text/javascript">if (a < b && c > d) { document.write("<p>BUY NOW</p>") }</script>' +
      '<!-- internal note --><SCRIPT>track()</SCRIPT>';
    expect(htmlToText(html)).toBe('Warm beanie');
    expect(htmlToText('Before<script>never closed </p> secret')).toBe('Before');
  });

  it('puts block elements on lines of their own and keeps inline text together', () => {
    const html =
      '<h2>Details</h2><p>Made of <strong>100%</strong> <em>organic</em> cotton.<br>Machine wash<br/>cold.</p>' +
      '<ul><li>Soft</li><li>Durable</li></ul><div>Care<div>Nested</div></div>' +
      '<table><tr><th>Size</th><td>M</td></tr><tr><td>Fit</td><td>Regular</td></tr></table>' +
      '<h1>One</h1><h3>Three</h3><h6>Six</h6>';
    expect(htmlToText(html)).toBe(
      'Details\nMade of 100% organic cotton.\nMachine wash\ncold.\nSoft\nDurable\nCare\nNested\nSize M\nFit Regular\nOne\nThree\nSix',
    );
  });

  it('collapses spaces and blank lines and trims', () => {
    expect(htmlToText('\n  <p>  One \t  two  </p>\n\n\n<p></p><br><br><p>Three</p>   \n ')).toBe('One two\nThree');
    expect(htmlToText('<p>Hand-knit.</p>\n\nMachine washable.')).toBe('Hand-knit.\nMachine washable.');
    expect(htmlToText('<a href="https://example.com/?a=1&amp;b=2" title="x > y">Link</a> text')).toBe('Link text');
  });

  it('leaves text without markup as it is, trimmed', () => {
    expect(htmlToText('  Plain   text, 100 % cotton  ')).toBe('Plain   text, 100 % cotton');
    expect(htmlToText('')).toBe('');
  });

  // Named entities with what they stand for; `&amp;` is left out so that no `&` can reach the output.
  const NAMED: Record<string, string> = {
    eacute: 'é',
    Eacute: 'É',
    nbsp: '\u00a0',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    copy: '©',
    reg: '®',
    trade: '™',
    euro: '€',
    hellip: '…',
    mdash: '—',
    rsquo: '’',
    szlig: 'ß',
    uuml: 'ü',
    Ntilde: 'Ñ',
    alpha: 'α',
    hearts: '♥',
  };
  const SECRET = 'TRACKING-PIXEL';
  const text = fc.string({ unit: 'grapheme', maxLength: 12 }).map((value) => value.replace(/[<&]/g, ''));
  const codePoint = fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).filter((code) => code !== 0x26),
    fc.integer({ min: 0xa0, max: 0xd7ff }),
    fc.integer({ min: 0x1f300, max: 0x1f64f }),
  );
  /** A piece of HTML and the text it should leave behind. */
  const piece = fc.oneof(
    text.map((value) => ({ html: value.replace(/>/g, '&gt;'), text: value })),
    fc.constantFrom(...Object.keys(NAMED)).map((name) => ({ html: `&${name};`, text: NAMED[name] as string })),
    codePoint.map((code) => ({ html: `&#${code};`, text: String.fromCodePoint(code) })),
    codePoint.map((code) => ({ html: `&#x${code.toString(16)};`, text: String.fromCodePoint(code) })),
    fc
      .constantFrom('p', 'div', 'li', 'h1', 'h4', 'tr', 'strong', 'span')
      .map((tag) => ({ html: `<${tag}>`, text: '' })),
    fc.constantFrom('p', 'div', 'li', 'h2', 'h6', 'tr', 'em', 'span').map((tag) => ({ html: `</${tag}>`, text: '' })),
    fc.constant({ html: '<br>', text: '' }),
    fc
      .tuple(fc.constantFrom('script', 'style', 'SCRIPT'), fc.string({ maxLength: 20 }))
      .filter(([, body]) => !/<\/(script|style)/i.test(body))
      .map(([tag, body]) => ({ html: `<${tag}>${SECRET}${body}&eacute;</${tag}>`, text: '' })),
  );

  it('never lets script content or a known entity through, and loses no text (property)', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 25 }), (pieces) => {
        const output = htmlToText(pieces.map((part) => part.html).join(''));
        const expected = pieces.map((part) => part.text).join('');
        expect(output).not.toContain(SECRET);
        expect(output).not.toContain('&');
        expect(output.replace(/\s/g, '')).toBe(expected.replace(/\s/g, ''));
        expect(output).not.toMatch(/\n\s*\n/);
        expect(output).toBe(output.trim());
      }),
      { numRuns: 500 },
    );
  });
});

describe('derived SKUs', () => {
  it('transliterates non-Latin and accented handles instead of hashing them', () => {
    expect(derivedSku(['классическая-футболка', 'Синий', 'M'])).toBe('klassicheskaya-futbolka-siniy-m');
    expect(derivedSku(['ελληνικό-τσάι', 'Μεγάλο'])).toBe('elliniko-tsai-megalo');
    expect(derivedSku(['经典T恤', '红色'])).toBe('jing-dian-txu-hong-se');
    expect(derivedSku(['crème-brûlée', 'Grand'])).toBe('creme-brulee-grand');
    // Decomposed accents read the same as composed ones.
    expect(derivedSku(['cre\u0300me-bru\u0302le\u0301e', 'Grand'])).toBe('creme-brulee-grand');
    expect(derivedSku(['tee', 'Blue / XL 🎉'])).toBe('tee-blue-xl');
  });

  it('falls back to a stable fingerprint only for text that transliterates to nothing', () => {
    expect(derivedSku(['🎉'])).toMatch(/^[0-9a-f]{8}$/);
    expect(derivedSku(['🎉'])).toBe(derivedSku(['🎉']));
    expect(derivedSku(['🎉'])).not.toBe(derivedSku(['🎈']));
  });

  it('is deterministic, ASCII, and at most 64 characters for any input (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { minLength: 1, maxLength: 4 }), (parts) => {
        const sku = derivedSku(parts);
        expect(sku).toBe(derivedSku([...parts]));
        expect(sku).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(sku.length).toBeLessThanOrEqual(64);
      }),
      { numRuns: 300 },
    );
    expect(slug('Ελληνικά'.repeat(40)).length).toBeGreaterThan(64);
    expect(derivedSku(['Ελληνικά'.repeat(40)])).toHaveLength(64);
  });
});
