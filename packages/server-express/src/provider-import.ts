import { type CatalogueImports, parseInput } from '@pos/integrations-core';
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { answer, idempotencyKey } from './data-manager.js';
import type { OperationDoc } from './openapi.js';
import { entityType, tenantOf } from './request.js';

const importBody = z
  .object({
    entity_type: entityType,
    remove_missing: z.boolean('must be true or false').optional(),
  })
  .strict();

/**
 * `POST /api/data-manager/import-from/:provider`: pulls the tenant's catalogue from a connected
 * provider as one `provider_import` batch, answering 202 with the batch as soon as it started
 * (`GET /api/data-manager/batches/:id` follows it). 404 for a provider that is not configured,
 * has no catalogue or is not connected.
 */
export function mountProviderImport(
  router: Router,
  catalogue: CatalogueImports,
  parts: { authenticate: RequestHandler; json: RequestHandler; describe?: (operation: OperationDoc) => void },
): void {
  parts.describe?.({
    method: 'post',
    path: '/api/data-manager/import-from/:provider',
    tag: 'Data Manager',
    summary: 'Imports the catalogue of a connected provider (its products or customers) as one batch.',
    params: { provider: z.string().describe('The connector to import from: square, clover, woocommerce.') },
    body: importBody,
    responses: {
      '202': { description: 'The batch runs in the background; `Location` points at it.' },
      '404': { description: 'The provider is not configured, has no catalogue or is not connected.' },
    },
  });
  router.post('/api/data-manager/import-from/:provider', parts.authenticate, parts.json, async (req, res) => {
    const body = parseInput(importBody, req.body, 'request body');
    const run = await catalogue.import(tenantOf(res), String(req.params.provider), {
      entityType: body.entity_type,
      ...(body.remove_missing !== undefined ? { removeMissing: body.remove_missing } : {}),
      ...idempotencyKey(req),
    });
    await answer(res, run, true);
  });
}
