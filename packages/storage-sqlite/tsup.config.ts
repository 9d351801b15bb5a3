import { nodePackage } from '../../tsup.node.js';

export default nodePackage({
  entry: ['src/index.ts'],
  // import.meta.url (to find better-sqlite3 for the staging worker) in the CommonJS build too.
  shims: true,
});
