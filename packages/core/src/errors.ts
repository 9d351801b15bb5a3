/**
 * Every failure the SDK reports carries a stable `error_code`. The HTTP layer turns any thrown
 * value into the seed's error body with {@link toErrorBody}; callers of the SDK can switch on
 * `error.code` without parsing messages.
 */

import type { z } from 'zod';
import { describeIssues, PERSON_MESSAGES, type SchemaIssue, summarize } from './validation.js';

/**
 * Core's own codes, none of them a provider's, with their HTTP status. A connector declares its
 * codes itself (`errorCodes`, built with `declareErrorCodes`); the instance registers them.
 */
export const ERROR_STATUS = {
  // Seed codes
  WEBHOOK_SIGNATURE_INVALID: 400,
  BATCH_FAILED: 422,
  CREDENTIALS_UNREADABLE: 500,
  // Payments
  PAYMENT_AMOUNT_MISMATCH: 409,
  PAYMENT_ALREADY_PAID: 409,
  PAYMENT_PROCESSING: 409,
  PAYMENT_NOT_PAID: 409,
  REFUND_EXCEEDS_REMAINING: 422,
  REFUND_CURRENCY_MISMATCH: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  WEBHOOK_BODY_UNAVAILABLE: 500,
  // Generic codes
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  NOT_CONNECTED: 409,
  SYNC_IN_PROGRESS: 409,
  ACCOUNTING_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  PROVIDER_UNAVAILABLE: 502,
} as const;

export type KnownErrorCode = keyof typeof ERROR_STATUS;
/** Connectors declare their own codes with a status (`declareErrorCodes`). */
export type ErrorCode = KnownErrorCode | (string & {});

export interface IntegrationErrorOptions {
  /** HTTP status; defaults to the code's status in {@link ERROR_STATUS}, else 400. */
  status?: number;
  /** Extra machine-readable context. Must never hold secret values. */
  details?: Record<string, unknown>;
  cause?: unknown;
  /** Seconds the caller should wait before retrying (rate limits). */
  retryAfter?: number;
  /** The stored credentials no longer work: the merchant has to connect again. */
  needsReconnect?: boolean;
}

export class IntegrationError extends Error {
  override readonly name = 'IntegrationError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfter: number | undefined;
  readonly needsReconnect: boolean;

  constructor(code: ErrorCode, message: string, options: IntegrationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code as KnownErrorCode] ?? 400;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
    this.needsReconnect = options.needsReconnect ?? false;
  }

  /** The same error with another message (used to mask secrets a provider echoed back). */
  withMessage(message: string): IntegrationError {
    if (message === this.message) return this;
    return new IntegrationError(this.code, message, {
      status: this.status,
      details: this.details,
      cause: this.cause,
      retryAfter: this.retryAfter,
      needsReconnect: this.needsReconnect,
    });
  }
}

export function isIntegrationError(value: unknown): value is IntegrationError {
  return value instanceof IntegrationError;
}

/** The seed's error body: `{ success: false, message, error_code, details? }`. */
export interface ErrorBody {
  success: false;
  message: string;
  error_code: string;
  details?: Record<string, unknown>;
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** Seconds, for a `Retry-After` header. */
  retryAfter?: number;
}

function zodIssues(error: unknown): SchemaIssue[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { name?: unknown; issues?: unknown };
  if (candidate.name !== 'ZodError' || !Array.isArray(candidate.issues)) return undefined;
  return candidate.issues as SchemaIssue[];
}

/**
 * `VALIDATION_FAILED` for schema problems, in words for people ({@link describeIssues}): the
 * message names each field ("access_token is required"), or `subject` for the value as a whole
 * ("The request body must be a JSON object"); `details.issues` lists `{ field, message }`. Never
 * echoes the submitted values.
 */
export function validationError(issues: readonly SchemaIssue[], subject = 'The request'): IntegrationError {
  const problems = describeIssues(issues);
  return new IntegrationError('VALIDATION_FAILED', summarize(problems, subject), { details: { issues: problems } });
}

/** `VALIDATION_FAILED` for one field: `fieldError('count', 'must be at most 100,000')`. */
export function fieldError(field: string, message: string): IntegrationError {
  const problems = [{ field, message }];
  return new IntegrationError('VALIDATION_FAILED', summarize(problems, field), { details: { issues: problems } });
}

/**
 * Validates `value` against `schema` with messages for people; a failure is a `VALIDATION_FAILED`
 * error whose message names the fields, or "The <what> …" for the value as a whole.
 */
export function parseInput<T>(schema: z.ZodType<T, unknown>, value: unknown, what: string): T {
  const result = schema.safeParse(value, PERSON_MESSAGES);
  if (!result.success) throw validationError(result.error.issues, `The ${what}`);
  return result.data;
}

/**
 * Turns anything thrown into the error body. Unknown errors become a generic 500 whose message
 * says nothing about internals: their text may carry provider responses or secrets.
 */
export function toErrorBody(error: unknown): ErrorResponse {
  const issues = zodIssues(error);
  const known = issues ? validationError(issues) : error;
  if (isIntegrationError(known)) {
    const body: ErrorBody = { success: false, message: known.message, error_code: known.code };
    if (known.details !== undefined) body.details = known.details;
    const response: ErrorResponse = { status: known.status, body };
    if (known.retryAfter !== undefined) response.retryAfter = known.retryAfter;
    return response;
  }
  return {
    status: 500,
    body: { success: false, message: 'An unexpected error occurred.', error_code: 'INTERNAL_ERROR' },
  };
}
