import type { Response } from 'express';
import { z } from 'zod';

/** The tenant the `authenticate` middleware resolved for this request. */
export function tenantOf(res: Response): string {
  return res.locals.tenantId as string;
}

/** A Data Manager entity type as a body field or query parameter (`products`, `customers`, …). */
export const entityType = z.string().min(1).max(64);

/** A body that may be left out or sent as `{}`, for routes that take no fields. */
export const emptyObject = z.object({}).strict();
export const emptyBody = z.union([z.undefined(), emptyObject]);
