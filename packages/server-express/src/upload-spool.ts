/** Multipart uploads spooled to a temporary file, for the Data Manager's upload route. */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IntegrationError } from '@pos/integrations-core';
import busboy from 'busboy';

/** Reads the rest of a request body and throws it away. */
export async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded || req.destroyed) return;
  await new Promise<void>((resolve) => {
    req.once('end', resolve);
    req.once('close', resolve);
    req.resume();
  });
}

/** The spooled file's bytes; the file is opened only when the import starts reading. */
export async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  yield* createReadStream(path, { highWaterMark: 64 * 1024 });
}

export interface SpooledUpload {
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
export async function spool(req: IncomingMessage, dir: string, maxBytes: number): Promise<SpooledUpload> {
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
