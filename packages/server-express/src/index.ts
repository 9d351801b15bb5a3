// The package root is the full build; `@pos/server-express/lite` and `/export` import less.
export * from './full.js';
