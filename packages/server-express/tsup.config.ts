import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per variant: lite and export never reach the connector, payment or upload routes.
  entry: ['src/index.ts', 'src/lite.ts', 'src/export.ts', 'src/full.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
