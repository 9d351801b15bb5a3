// bench/bundle-size: min+gzip size of the web components' prebuilt browser bundles (Lit
// included) against the targets, and how much of each is Lit. A bundle is its file and the
// chunks it imports statically ("first load", what a page downloads before the elements
// render); the full bundle also has chunks it imports only when a page uses them (the Data
// Manager, the QR encoder), counted in "with lazy chunks".
// Usage: npm run bench:bundle-size   (builds first; `node bench/bundle-size/run.mjs` reads dist as is)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const pkg = join(import.meta.dirname, '../../packages/web-components');
const dist = join(pkg, 'dist/browser');
const KB = 1024;

const VARIANTS = [
  { name: 'lite', file: 'pos-web-components-lite.js', entry: 'src/lite.ts', targetKB: 12 },
  { name: 'export', file: 'pos-web-components-export.js', entry: 'src/export.ts' },
  { name: 'full', file: 'pos-web-components.js', entry: 'src/browser.ts', targetKB: 25 },
];

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;

/**
 * The files a module loads: `first` those it imports statically (transitively), `lazy` those
 * only reachable through `import()`. `read(path)` gives a file's text.
 */
function graph(entry, read) {
  const first = new Set();
  const lazy = new Set();
  const visit = (file, into) => {
    if (first.has(file) || into.has(file)) return;
    into.add(file);
    const code = read(file);
    for (const match of code.matchAll(/(?:\bfrom|\bimport)\s*(\()?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const target = join(dirname(file), match[2]);
      visit(target, match[1] || into === lazy ? lazy : first);
    }
  };
  visit(entry, first);
  for (const file of first) lazy.delete(file);
  return { first: [...first], lazy: [...lazy] };
}

const sum = (files, size) => files.reduce((total, file) => total + size(file), 0);

/** The same entry minified with Lit left out, first load only: what is ours; the rest is Lit. */
async function oursFirstLoad(entry) {
  const result = await build({
    absWorkingDir: pkg,
    entryPoints: { entry },
    outdir: '/virtual',
    bundle: true,
    splitting: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    external: ['lit', 'lit/*', '@lit/*'],
    write: false,
    logLevel: 'silent',
  });
  const files = new Map(result.outputFiles.map((file) => [file.path, file.contents]));
  const text = (path) => Buffer.from(files.get(path)).toString('utf8');
  const { first } = graph('/virtual/entry.js', text);
  return sum(first, (path) => gzip(files.get(path)));
}

const readDist = (path) => readFileSync(path, 'utf8');
const rows = [];
const notes = [];
let missed = 0;
for (const variant of VARIANTS) {
  const path = join(dist, variant.file);
  if (!existsSync(path)) throw new Error(`${path} is missing: run "npm run build" first.`);
  const { first, lazy } = graph(path, readDist);
  const bytes = (file) => readFileSync(file);
  const total = sum(first, (file) => gzip(bytes(file)));
  const ours = await oursFirstLoad(variant.entry);
  const target = variant.targetKB === undefined ? undefined : variant.targetKB * KB;
  const verdict = target === undefined ? '' : total <= target ? 'met' : 'MISS';
  if (verdict === 'MISS') missed += 1;
  rows.push([
    variant.name,
    String(first.length),
    kb(sum(first, (file) => bytes(file).length)),
    kb(total),
    kb(sum(first, (file) => brotli(bytes(file)))),
    `${kb(ours)} + Lit ≈ ${kb(total - ours)}`,
    lazy.length === 0 ? '—' : kb(total + sum(lazy, (file) => gzip(bytes(file)))),
    target === undefined ? '—' : `≤ ${variant.targetKB} KB`,
    verdict,
  ]);
  for (const file of lazy) notes.push(`  ${relative(dist, file)}: ${kb(gzip(bytes(file)))} min+gzip, loaded on use`);
}

const header = [
  'bundle',
  'files',
  'minified',
  'min+gzip',
  'min+brotli',
  'ours (gzip) + Lit',
  'with lazy chunks',
  'target',
  '',
];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
for (const row of [header, ...rows]) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  '));
if (notes.length > 0) console.log(`\nFull's lazy chunks:\n${notes.join('\n')}`);
console.log(
  `\nFirst load: the bundle and the chunks it imports statically, each gzipped on its own; the targets apply to it.` +
    `\n1 KB = ${KB} bytes; gzip level 9, brotli quality 11. ${missed === 0 ? 'Every target met.' : `${missed} target(s) missed.`}`,
);
