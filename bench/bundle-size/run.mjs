// bench/bundle-size: min+gzip size of the web components' prebuilt browser bundles (Lit
// included) against the targets, and how much of each is Lit.
// Usage: npm run bench:bundle-size   (builds first; `node bench/bundle-size/run.mjs` reads dist as is)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const pkg = join(import.meta.dirname, '../../packages/web-components');
const KB = 1024;

const VARIANTS = [
  { name: 'lite', file: 'pos-web-components-lite.js', entry: 'src/lite.ts', targetKB: 12 },
  { name: 'export', file: 'pos-web-components-export.js', entry: 'src/export.ts' },
  { name: 'full', file: 'pos-web-components.js', entry: 'src/full.ts', targetKB: 25 },
];

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;

/** The same entry minified with Lit left out: what is ours; the rest of the bundle is Lit. */
async function withoutLit(entry) {
  const result = await build({
    absWorkingDir: pkg,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    external: ['lit', 'lit/*', '@lit/*'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].contents;
}

const rows = [];
let missed = 0;
for (const variant of VARIANTS) {
  const path = join(pkg, 'dist/browser', variant.file);
  if (!existsSync(path)) throw new Error(`${path} is missing: run "npm run build" first.`);
  const bundle = readFileSync(path);
  const ours = gzip(await withoutLit(variant.entry));
  const total = gzip(bundle);
  const target = variant.targetKB === undefined ? undefined : variant.targetKB * KB;
  const verdict = target === undefined ? '' : total <= target ? 'met' : 'MISS';
  if (verdict === 'MISS') missed += 1;
  rows.push([
    variant.name,
    kb(bundle.length),
    kb(total),
    kb(brotli(bundle)),
    `${kb(ours)} + Lit ≈ ${kb(total - ours)}`,
    target === undefined ? '—' : `≤ ${variant.targetKB} KB`,
    verdict,
  ]);
}

const header = ['bundle', 'minified', 'min+gzip', 'min+brotli', 'ours (gzip) + Lit', 'target', ''];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
for (const row of [header, ...rows]) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  '));
console.log(
  `\n1 KB = ${KB} bytes; gzip level 9, brotli quality 11. ${missed === 0 ? 'Every target met.' : `${missed} target(s) missed.`}`,
);
