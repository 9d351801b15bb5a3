/** The full build: every route, mounted per the instance's variant and configured connectors. */
import { type Integrations, variantHasIntegrations } from '@pos/integrations-core';
import type { Router } from 'express';
import { SEED_FEATURES } from './capabilities.js';
import { mountDataManager } from './data-manager.js';
import { mountEvents } from './events.js';
import { csvExport } from './export.js';
import { mountIntegrations } from './integrations.js';
import { mountPayments } from './payments.js';
import { mountProviderImport } from './provider-import.js';
import { buildRouter, type Feature, type IntegrationsRouterOptions } from './router.js';

export { type CorsOptions, corsHandler, normalizeOrigin } from './cors.js';
export { mountExport } from './csv-export.js';
export { type DataManagerOptions, DEFAULT_MAX_UPLOAD_BYTES, mountDataManager } from './data-manager.js';
export { errorHandler, notFound } from './errors.js';
export {
  bindOAuthFlow,
  isBoundOAuthFlow,
  oauthCallbackPath,
  oauthFlowCookie,
  unbindOAuthFlow,
} from './oauth-browser.js';
export { captureRawBody } from './payments.js';
export type { IntegrationsRouterOptions } from './router.js';

// First, so webhooks (the busiest route) do not walk past every connector's routes.
const payments: Feature = ({ router, integrations, authenticate, json, describe }) => {
  if (integrations.payments && variantHasIntegrations(integrations.variant)) {
    mountPayments(router, integrations.payments, {
      authenticate,
      json,
      logger: integrations.logger,
      clock: integrations.clock,
      describe,
    });
  }
};

const dataManager: Feature = ({ router, integrations, options, authenticate, json, describe }) => {
  if (integrations.batches && variantHasIntegrations(integrations.variant)) {
    mountDataManager(router, integrations.batches, {
      authenticate,
      json,
      describe,
      ...(options.dataManager ? { options: options.dataManager } : {}),
    });
    if (integrations.catalogue) mountProviderImport(router, integrations.catalogue, { authenticate, json, describe });
  }
};

/**
 * Mounts the seed's routes under `/api`: capabilities; per configured connector its integration
 * routes; the Data Manager's `seed`, `upload`, `batches` (full variant) and `export` (export and
 * full); the payment routes when a connector offers checkout. Routes outside the instance's
 * variant are not mounted, so this entry serves lite and export instances too.
 */
export function integrationsRouter(integrations: Integrations, options: IntegrationsRouterOptions): Router {
  return buildRouter(integrations, options, {
    variant: 'full',
    features: [payments, mountIntegrations, dataManager, csvExport, mountEvents],
    reportedFeatures: SEED_FEATURES,
  });
}
