import { parseInput } from '@pos/integrations-core';
import type { Response } from 'express';
import { z } from 'zod';

/** Validates a body, query or parameter; failures are 400 `VALIDATION_FAILED` naming the field. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  return parseInput(schema, value, what);
}

/** The tenant the `authenticate` middleware resolved for this request. */
export function tenantOf(res: Response): string {
  return res.locals.tenantId as string;
}

/** A Data Manager entity type as a body field or query parameter (`products`, `customers`, …). */
export const entityType = z.string().min(1).max(64);
