import { IntegrationError, type Logger, toErrorBody } from '@pos/integrations-core';
import type { ErrorRequestHandler, RequestHandler } from 'express';

/** body-parser reports its failures with a `type`; each becomes one of our codes. */
function fromBodyParser(error: unknown): IntegrationError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  switch ((error as { type: unknown }).type) {
    case 'entity.parse.failed':
      return new IntegrationError('VALIDATION_FAILED', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new IntegrationError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new IntegrationError('VALIDATION_FAILED', 'The request body encoding is not supported.', { status: 415 });
    case 'request.aborted':
      return new IntegrationError('VALIDATION_FAILED', 'The request was aborted before its body arrived.');
    default:
      return undefined;
  }
}

/** Answers every failure with the seed's error body; unexpected ones are logged, never echoed. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const { status, body, retryAfter } = toErrorBody(fromBodyParser(error) ?? error);
    if (status >= 500 && body.error_code === 'INTERNAL_ERROR') {
      logger.error(
        {
          method: req.method,
          path: req.path,
          error:
            error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
        },
        'Unhandled error',
      );
    }
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(Math.ceil(retryAfter)));
    res.status(status).json(body);
  };
}

/** `404 NOT_FOUND` naming the method and the whole path (wherever the handler is mounted). */
export const notFound: RequestHandler = (req) => {
  const path = (req.originalUrl || req.url).split('?')[0] ?? '';
  const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  throw new IntegrationError('NOT_FOUND', `No route for ${req.method} ${shown}.`);
};
