/**
 * The lite build: `GET /api/capabilities` only (lite POS servers take manual payments, which need
 * no route of ours). Nothing here imports connector, payment, Data Manager or sync route code.
 */
import type { Integrations } from '@pos/integrations-core';
import type { Router } from 'express';
import { buildRouter, type IntegrationsRouterOptions } from './router.js';

export { type CorsOptions, corsHandler, normalizeOrigin } from './cors.js';
export { errorHandler, notFound } from './errors.js';
export type { IntegrationsRouterOptions } from './router.js';

/** Mounts the lite variant's routes; refuses an instance of the export or full variant. */
export function integrationsRouter(integrations: Integrations, options: IntegrationsRouterOptions): Router {
  return buildRouter(integrations, options, { variant: 'lite', features: [] });
}
