export { errorHandler, notFound } from './errors.js';
export { captureRawBody } from './payments.js';
export { type IntegrationsRouterOptions, integrationsRouter } from './router.js';
