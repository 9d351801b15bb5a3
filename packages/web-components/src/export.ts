/**
 * The export build: the lite elements plus `<pos-data-export>` (CSV download), and the API
 * client it talks to the server with. No integration or payment provider code.
 */
export * from './api-client.js';
export { PosApiElement } from './api-element.js';
export * from './lite.js';
export { PosDataExport } from './pos-data-export/define.js';
