import { nodePackage } from '../../tsup.node.js';

// One entry per variant: lite and export never reach the connector, payment or upload routes.
export default nodePackage({ entry: ['src/index.ts', 'src/lite.ts', 'src/export.ts', 'src/full.ts'] });
