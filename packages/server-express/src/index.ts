export { errorHandler, notFound } from './errors.js';
export { type IntegrationsRouterOptions, integrationsRouter } from './router.js';
