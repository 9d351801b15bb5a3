import { readdirSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/** One folder per element, each with its class module and the `define.ts` that registers it. */
const tags = readdirSync(new URL('src/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name.startsWith('pos-'))
  .map((entry) => entry.name);

const entry = {
  index: 'src/index.ts',
  lite: 'src/lite.ts',
  export: 'src/export.ts',
  full: 'src/full.ts',
  // Every class, nothing registered; and one module per element that registers it (`define/<tag>`).
  elements: 'src/elements.ts',
  ...Object.fromEntries(tags.map((tag) => [`define/${tag}`, `src/${tag}/define.ts`])),
};

/**
 * For a plain <script type="module">: lit bundled in, minified, one build per variant so no
 * variant shares a file with another (`pos-web-components.js` is the full one). Only the full
 * build splits: what it loads on demand (the Data Manager, the QR encoder) goes to chunks beside it.
 */
const browser = (name: string, source: string, splitting: boolean): Options => ({
  entry: { [name]: source },
  outDir: 'dist/browser',
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: false,
  minify: true,
  target: 'es2022',
  platform: 'browser',
  noExternal: [/.*/],
  splitting,
  outExtension: () => ({ js: '.js' }),
  esbuildOptions(options) {
    options.chunkNames = `${name}-chunk-[hash]`;
  },
});

export default defineConfig([
  // For bundlers: lit stays a dependency, one module per entry point.
  {
    entry,
    format: ['esm'],
    // The browser bundle's types too (`dist/browser.d.ts`); its code is built below.
    dts: { entry: { ...entry, browser: 'src/browser.ts' } },
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'browser',
    external: ['lit', /^lit\//, /^@lit\//, 'qrcode-generator'],
  },
  browser('pos-web-components', 'src/browser.ts', true),
  browser('pos-web-components-export', 'src/export.ts', false),
  browser('pos-web-components-lite', 'src/lite.ts', false),
]);
