import { defineConfig } from 'tsup';

const entry = { index: 'src/index.ts', lite: 'src/lite.ts', export: 'src/export.ts', full: 'src/full.ts' };

export default defineConfig([
  // For bundlers: lit stays a dependency, one module per entry point.
  {
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'browser',
    external: ['lit', /^lit\//, /^@lit\//, 'qrcode-generator'],
  },
  // For a plain <script type="module">: lit bundled in, minified, one self-contained file per
  // variant (`pos-web-components.js` is the full one).
  {
    entry: {
      'pos-web-components': 'src/full.ts',
      'pos-web-components-export': 'src/export.ts',
      'pos-web-components-lite': 'src/lite.ts',
    },
    outDir: 'dist/browser',
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    minify: true,
    target: 'es2022',
    platform: 'browser',
    noExternal: [/.*/],
    splitting: false,
    outExtension: () => ({ js: '.js' }),
  },
]);
