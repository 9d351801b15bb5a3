import { nodePackage } from '../../../tsup.node.js';

export default nodePackage({ entry: ['src/index.ts'] });
