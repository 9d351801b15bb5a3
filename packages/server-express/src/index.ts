export { type DataManagerOptions, DEFAULT_MAX_UPLOAD_BYTES, mountDataManager, mountExport } from './data-manager.js';
export { errorHandler, notFound } from './errors.js';
export { captureRawBody } from './payments.js';
export { type IntegrationsRouterOptions, integrationsRouter } from './router.js';
