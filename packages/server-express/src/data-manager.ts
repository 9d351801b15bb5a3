import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
import busboy from 'busboy';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { entityType, tenantOf } from './request.js';

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
async function answer(res: Response, run: BatchRun, inBackground: boolean): Promise<void> {
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
function idempotencyKey(req: Request): { idempotencyKey?: string } {
  const key = req.get('idempotency-key');
  return key === undefined ? {} : { idempotencyKey: key };
}

/** Reads the rest of a request body and throws it away. */
async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded || req.destroyed) return;
  await new Promise<void>((resolve) => {
    req.once('end', resolve);
    req.once('close', resolve);
    req.resume();
  });
}

/** The spooled file's bytes; the file is opened only when the import starts reading. */
async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  yield* createReadStream(path, { highWaterMark: 64 * 1024 });
}

interface SpooledUpload {
  path: string | undefined;
  bytes: number;
  fields: Record<string, string>;
  problems: string[];
  tooLarge: boolean;
}

/**
 * Reads a multipart upload to its end, writing the `file` part to a temporary file as it
 * arrives (never into memory). Only afterwards does the route answer: a server that answers
 * while the client is still sending makes common clients stop sending.
 */
async function spool(req: IncomingMessage, dir: string, maxBytes: number): Promise<SpooledUpload> {
  const upload: SpooledUpload = { path: undefined, bytes: 0, fields: {}, problems: [], tooLarge: false };
  let output: WriteStream | undefined;
  let written: Promise<void> = Promise.resolve();
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { fileSize: maxBytes, files: 1, fields: 8, fieldSize: 1024, parts: 12 },
    });
  } catch {
    await drain(req);
    throw new IntegrationError('VALIDATION_FAILED', 'The multipart/form-data content type has no boundary.');
  }
  let file: Readable | undefined;
  parser.on('file', (name, stream) => {
    if (name !== 'file' || upload.path !== undefined) {
      upload.problems.push(`unexpected file field "${name}"`);
      stream.resume();
      return;
    }
    file = stream;
    upload.path = join(dir, `pos-upload-${randomUUID()}.csv`);
    output = createWriteStream(upload.path, { mode: 0o600 });
    stream.on('data', (chunk: Buffer) => {
      upload.bytes += chunk.length;
    });
    stream.on('limit', () => {
      upload.tooLarge = true;
    });
    written = pipeline(stream, output);
  });
  parser.on('field', (name, value, info) => {
    if (!['entity_type', 'preset', 'currency', 'decimal', 'mode'].includes(name))
      upload.problems.push(`unknown field "${name}"`);
    else if (name in upload.fields) upload.problems.push(`field "${name}" is repeated`);
    else if (info.valueTruncated) upload.problems.push(`field "${name}" is too long`);
    else upload.fields[name] = value;
  });
  parser.on('partsLimit', () => upload.problems.push('too many parts'));
  parser.on('filesLimit', () => upload.problems.push('only one file may be sent'));
  parser.on('fieldsLimit', () => upload.problems.push('too many fields'));
  // Piped rather than `pipeline`d: a parser error must not destroy the request, whose socket
  // still has to carry the 400.
  const parsed = new Promise<void>((resolve, reject) => {
    parser.once('close', resolve);
    parser.once('error', reject);
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('aborted'));
    });
  });
  req.pipe(parser);
  try {
    await parsed;
    await written;
  } catch {
    req.unpipe(parser);
    file?.destroy();
    output?.destroy();
    await written.catch(() => undefined);
    if (upload.path) await unlink(upload.path).catch(() => undefined);
    if (!req.complete && (req.destroyed || req.socket.destroyed)) {
      // The client went away mid-body: nobody reads this answer, and it is no server error.
      throw new IntegrationError('VALIDATION_FAILED', 'The upload was cut off before its end.');
    }
    await drain(req);
    throw new IntegrationError(
      'VALIDATION_FAILED',
      'The upload is not a valid multipart/form-data body: send the file as a form with a "file" field.',
    );
  }
  return upload;
}

/**
 * The Data Manager's routes (full variant): seed, upload, batches, batch, purge. Every input is
 * validated before anything is written.
 */
export function mountDataManager(
  router: Router,
  batches: Batches,
  parts: { authenticate: RequestHandler; json: RequestHandler; options?: DataManagerOptions },
): void {
  const { authenticate, json } = parts;
  const maxUploadBytes = parts.options?.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const backgroundAboveBytes = parts.options?.backgroundAboveBytes ?? 8 * 1024 * 1024;
  const backgroundAboveRows = parts.options?.backgroundAboveRows ?? 5000;
  const uploadDir = parts.options?.uploadDir ?? tmpdir();

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

  router.get('/api/data-manager/batches', authenticate, async (req, res) => {
    const query = parseInput(listQuery, req.query, 'query');
    res.json(
      await batches.list(tenantOf(res), {
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(query.entity_type !== undefined ? { entityType: query.entity_type } : {}),
      }),
    );
  });

  router.get('/api/data-manager/batches/:id', authenticate, async (req, res) => {
    const id = parseInput(batchId, req.params.id, 'id in the path');
    res.json(await batches.get(tenantOf(res), id));
  });

  router.get('/api/data-manager/batches/:id/purge-preview', authenticate, async (req, res) => {
    const id = parseInput(batchId, req.params.id, 'id in the path');
    res.json({ success: true, ...(await batches.previewPurge(tenantOf(res), id)) });
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
