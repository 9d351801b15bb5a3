import { nodePackage } from '../../tsup.node.js';

export default nodePackage({
  entry: { index: 'src/index.ts', testing: 'src/testing.ts' },
  external: ['vitest'],
});
