/**
 * The export build: lite plus `GET /api/data-manager/export` (CSV of the tenant's rows). No
 * connector, payment, upload or sync route code.
 */
import type { Integrations } from '@pos/integrations-core';
import type { Router } from 'express';
import { mountExport } from './csv-export.js';
import { buildRouter, type Feature, type IntegrationsRouterOptions } from './router.js';

export { type CorsOptions, corsHandler, normalizeOrigin } from './cors.js';
export { mountExport } from './csv-export.js';
export { errorHandler, notFound } from './errors.js';
export type { IntegrationsRouterOptions } from './router.js';

export const csvExport: Feature = ({ router, integrations, authenticate, describe }) => {
  if (integrations.batches) mountExport(router, integrations.batches, { authenticate, describe });
};

/** Mounts the export variant's routes (serves lite and export instances; refuses full ones). */
export function integrationsRouter(integrations: Integrations, options: IntegrationsRouterOptions): Router {
  return buildRouter(integrations, options, { variant: 'export', features: [csvExport] });
}
