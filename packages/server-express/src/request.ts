import type { Response } from 'express';
import { z } from 'zod';

/** The tenant the `authenticate` middleware resolved for this request. */
export function tenantOf(res: Response): string {
  return res.locals.tenantId as string;
}

/** A Data Manager entity type as a body field or query parameter (`products`, `customers`, …). */
export const entityType = z.string().min(1).max(64);
