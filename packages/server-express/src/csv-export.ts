import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Batches, parseInput } from '@pos/integrations-core';
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { OperationDoc } from './openapi.js';
import { entityType, tenantOf } from './request.js';

const exportQuery = z.object({ entity_type: entityType }).strict();

/** CSV export (export and full variants): the tenant's rows in our own columns, streamed. */
export function mountExport(
  router: Router,
  batches: Batches,
  parts: { authenticate: RequestHandler; describe?: (operation: OperationDoc) => void },
): void {
  parts.describe?.({
    method: 'get',
    path: '/api/data-manager/export',
    tag: 'Data Manager',
    summary: "The tenant's rows of one entity type as CSV, in our own columns.",
    query: exportQuery,
    responses: { '200': { description: 'The CSV file, streamed.', contentType: 'text/csv' } },
  });
  router.get('/api/data-manager/export', parts.authenticate, async (req, res) => {
    const query = parseInput(exportQuery, req.query, 'query');
    const csv = batches.exportCsv(tenantOf(res), query.entity_type);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${csv.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    // A failure mid-stream can no longer change the status: the connection is cut instead.
    await pipeline(Readable.from(csv.chunks), res);
  });
}
