export * from './full.js';
