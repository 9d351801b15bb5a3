import { nodePackage } from '../../tsup.node.js';

// ESM only: the simulators serve demos and test suites, which run as ES modules.
export default nodePackage({ entry: ['src/index.ts', 'src/msw.ts'], format: ['esm'] });
