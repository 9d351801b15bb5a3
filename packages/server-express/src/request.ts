import { validationError } from '@pos/integrations-core';
import type { Response } from 'express';
import { z } from 'zod';

/** Validates a body, query or parameter; failures are 400 `VALIDATION_FAILED` naming the field. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error.issues, `The ${what} is not valid.`);
  return result.data;
}

/** The tenant the `authenticate` middleware resolved for this request. */
export function tenantOf(res: Response): string {
  return res.locals.tenantId as string;
}

/** A Data Manager entity type as a body field or query parameter (`products`, `customers`, …). */
export const entityType = z.string().min(1).max(64);
