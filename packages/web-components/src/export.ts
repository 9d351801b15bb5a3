/** The export build: the server adds CSV export; its elements are those of the lite build. */
export * from './lite.js';
