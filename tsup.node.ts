import { defineConfig, type Options } from 'tsup';

/**
 * The build every Node.js package shares: ESM and CommonJS with types, for Node 20. A package's
 * tsup.config.ts names its entries and anything it needs beyond this.
 */
export function nodePackage(options: Options) {
  return defineConfig({
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...options,
  });
}
