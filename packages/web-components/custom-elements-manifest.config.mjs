// Generates custom-elements.json from the elements' JSDoc (slots, events, parts, custom properties).
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.styles.ts', 'src/**/*.test.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
};
