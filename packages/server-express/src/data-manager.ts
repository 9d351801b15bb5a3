import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import {
  BATCH_ID_PATTERN,
  type Batches,
  type BatchRun,
  type BatchTicket,
  DECIMAL_MARKS,
  type DecimalMark,
  IMPORT_MODES,
  type ImportMode,
  IntegrationError,
  MAX_BATCH_PAGE,
  MAX_SEED_COUNT,
  PRESET_IDS,
  parseInput,
} from '@pos/integrations-core';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { OperationDoc } from './openapi.js';
import { entityType, tenantOf } from './request.js';
import { drain, fileChunks, spool } from './upload-spool.js';

export interface DataManagerOptions {
  /** Largest accepted upload, in bytes (default 200 MiB); larger ones get 413 `PAYLOAD_TOO_LARGE`. */
  maxUploadBytes?: number;
  /** Uploads above this size answer 202 and import in the background (default 8 MiB). */
  backgroundAboveBytes?: number;
  /** Seeds above this many rows answer 202 and run in the background (default 5000). */
  backgroundAboveRows?: number;
  /** Where uploads are spooled while they import (default the OS temp folder). */
  uploadDir?: string;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

const importModeField = z
  .enum(IMPORT_MODES as [ImportMode, ...ImportMode[]], 'must be upsert or insert_only')
  .optional();

const seedBody = z
  .object({
    entity_type: entityType,
    count: z.number().int().min(1).max(MAX_SEED_COUNT).optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    mode: importModeField,
  })
  .strict();

const uploadFields = z
  .object({
    entity_type: entityType,
    preset: z.enum(PRESET_IDS as [string, ...string[]]).optional(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'must be a currency code such as USD')
      .optional(),
    decimal: z.enum(DECIMAL_MARKS as [DecimalMark, ...DecimalMark[]], 'must be point or comma').optional(),
    mode: importModeField,
  })
  .strict();

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_BATCH_PAGE).optional(),
    entity_type: entityType.optional(),
  })
  .strict();

const batchId = z.string().regex(BATCH_ID_PATTERN, 'is not a batch id');

/**
 * A finished batch answers 201, a running one 202 with its location, a failed one the error body
 * with the batch in `details`. Large work answers as soon as it has started.
 */
export async function answer(res: Response, run: BatchRun, inBackground: boolean): Promise<void> {
  const batch = inBackground ? run.batch : await run.done;
  if (batch.status === 'failed') {
    throw new IntegrationError('BATCH_FAILED', batch.error_message ?? 'The batch failed.', { details: { batch } });
  }
  if (batch.status === 'completed') {
    res.status(201).json(batch);
    return;
  }
  res.status(202).location(`/api/data-manager/batches/${batch.id}`).json(batch);
}

/** `Idempotency-Key`: a retried seed or upload returns the first batch. */
export function idempotencyKey(req: Request): { idempotencyKey?: string } {
  const key = req.get('idempotency-key');
  return key === undefined ? {} : { idempotencyKey: key };
}

/**
 * The Data Manager's routes (full variant): seed, upload, batches, batch, purge. Every input is
 * validated before anything is written.
 */
export function mountDataManager(
  router: Router,
  batches: Batches,
  parts: {
    authenticate: RequestHandler;
    json: RequestHandler;
    options?: DataManagerOptions;
    /** Adds each route to the router's OpenAPI document. */
    describe?: (operation: OperationDoc) => void;
  },
): void {
  const { authenticate, json } = parts;
  const describe = parts.describe ?? (() => {});
  const tag = 'Data Manager';
  const started = {
    '201': { description: 'The finished batch.' },
    '202': { description: 'The batch runs in the background; `Location` points at it.' },
  };
  const maxUploadBytes = parts.options?.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const backgroundAboveBytes = parts.options?.backgroundAboveBytes ?? 8 * 1024 * 1024;
  const backgroundAboveRows = parts.options?.backgroundAboveRows ?? 5000;
  const uploadDir = parts.options?.uploadDir ?? tmpdir();

  describe({
    method: 'post',
    path: '/api/data-manager/seed',
    tag,
    summary: 'Generates sample rows as one batch.',
    body: seedBody,
    responses: started,
  });
  router.post('/api/data-manager/seed', authenticate, json, async (req, res) => {
    const body = parseInput(seedBody, req.body, 'request body');
    const run = await batches.seed(tenantOf(res), {
      entityType: body.entity_type,
      ...(body.count !== undefined ? { count: body.count } : {}),
      ...(body.seed !== undefined ? { seed: body.seed } : {}),
      ...(body.mode !== undefined ? { mode: body.mode } : {}),
      ...idempotencyKey(req),
    });
    await answer(res, run, (body.count ?? 0) > backgroundAboveRows);
  });

  describe({
    method: 'post',
    path: '/api/data-manager/upload',
    tag,
    summary: 'Imports a CSV file as one batch.',
    form: { fields: uploadFields, file: 'file' },
    responses: started,
  });
  router.post('/api/data-manager/upload', authenticate, async (req, res) => {
    if (!req.is('multipart/form-data')) {
      await drain(req);
      throw new IntegrationError('VALIDATION_FAILED', 'Send the file as multipart/form-data with a "file" field.', {
        status: 415,
      });
    }
    const tooLarge = () =>
      new IntegrationError(
        'PAYLOAD_TOO_LARGE',
        `The file is larger than the ${Math.floor(maxUploadBytes / (1024 * 1024))} MiB upload limit.`,
        { details: { max_bytes: maxUploadBytes } },
      );
    // A declared length far past the limit is refused without parsing (the body is still read).
    const declared = Number(req.get('content-length') ?? Number.NaN);
    if (declared > maxUploadBytes + 64 * 1024) {
      await drain(req);
      throw tooLarge();
    }
    // The tenant's batch slot and upload bytes are taken before the file is received: over a
    // limit the body is read and thrown away, never written to disk.
    let ticket: BatchTicket;
    try {
      ticket = batches.admit(tenantOf(res), { uploadBytes: declared >= 0 ? declared : maxUploadBytes });
    } catch (error) {
      await drain(req);
      throw error;
    }
    const upload = await spool(req, uploadDir, maxUploadBytes).catch((error: unknown) => {
      ticket.release();
      throw error;
    });
    const discard = () => (upload.path ? unlink(upload.path).catch(() => undefined) : Promise.resolve());
    let run: BatchRun;
    try {
      if (upload.tooLarge) throw tooLarge();
      if (upload.problems.length > 0) {
        throw new IntegrationError('VALIDATION_FAILED', `The upload is not valid: ${upload.problems.join('; ')}.`, {
          details: { issues: upload.problems.map((message) => ({ field: '(form)', message })) },
        });
      }
      const fields = parseInput(uploadFields, upload.fields, 'upload');
      if (!upload.path) {
        throw new IntegrationError('VALIDATION_FAILED', 'The upload has no "file" field.', {
          details: { issues: [{ field: 'file', message: 'is required' }] },
        });
      }
      run = await batches.upload(tenantOf(res), {
        entityType: fields.entity_type,
        ...(fields.preset !== undefined ? { preset: fields.preset } : {}),
        ...(fields.currency !== undefined ? { currency: fields.currency } : {}),
        ...(fields.decimal !== undefined ? { decimal: fields.decimal } : {}),
        ...(fields.mode !== undefined ? { mode: fields.mode } : {}),
        source: fileChunks(upload.path),
        totalBytes: upload.bytes,
        ...idempotencyKey(req),
        ticket,
      });
    } catch (error) {
      ticket.release();
      await discard();
      throw error;
    }
    void run.done.finally(discard);
    await answer(res, run, upload.bytes > backgroundAboveBytes);
  });

  describe({
    method: 'get',
    path: '/api/data-manager/batches',
    tag,
    summary: "The tenant's batches, newest first.",
    query: listQuery,
  });
  router.get('/api/data-manager/batches', authenticate, async (req, res) => {
    const query = parseInput(listQuery, req.query, 'query');
    res.json(
      await batches.list(tenantOf(res), {
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(query.entity_type !== undefined ? { entityType: query.entity_type } : {}),
      }),
    );
  });

  const byId = { params: { id: batchId } };
  describe({
    method: 'get',
    path: '/api/data-manager/batches/:id',
    tag,
    summary: 'One batch and its progress.',
    ...byId,
  });
  router.get('/api/data-manager/batches/:id', authenticate, async (req, res) => {
    const id = parseInput(batchId, req.params.id, 'id in the path');
    res.json(await batches.get(tenantOf(res), id));
  });

  describe({
    method: 'get',
    path: '/api/data-manager/batches/:id/purge-preview',
    tag,
    summary: 'What purging the batch would delete, and what it would leave (rows later batches changed).',
    ...byId,
  });
  router.get('/api/data-manager/batches/:id/purge-preview', authenticate, async (req, res) => {
    const id = parseInput(batchId, req.params.id, 'id in the path');
    res.json({ success: true, ...(await batches.previewPurge(tenantOf(res), id)) });
  });

  describe({
    method: 'delete',
    path: '/api/data-manager/batches/:id',
    tag,
    summary: "Deletes the batch's rows.",
    ...byId,
  });
  router.delete('/api/data-manager/batches/:id', authenticate, async (req, res) => {
    const id = parseInput(batchId, req.params.id, 'id in the path');
    const { purge, alreadyPurged } = await batches.purge(tenantOf(res), id);
    res.json({
      success: true,
      message: alreadyPurged
        ? `Batch ${id} was already purged.`
        : `Purged ${purge.record_count} ${purge.entity_type} of batch ${id}.`,
      already_purged: alreadyPurged,
      batch: purge,
    });
  });
}
