import { nodePackage } from '../../tsup.node.js';

// One entry per subpath export (src/<subpath>.ts). Splitting puts the modules entries share in
// common chunks, in the CommonJS build too, so `IntegrationError` thrown by a connector that
// imports `/connector` is the class the root entry's `isIntegrationError` checks.
export default nodePackage({
  entry: { index: 'src/index.ts', connector: 'src/connector.ts', storage: 'src/storage.ts', testing: 'src/testing.ts' },
  splitting: true,
  external: ['vitest'],
});
