import { createHash } from 'node:crypto';
import type { Request } from 'express';

const digest = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * Resolves `Authorization: Bearer <key>` to a tenant. Keys are looked up by their SHA-256, so
 * the lookup time says nothing about how much of a guessed key was right.
 */
export function apiKeyTenantResolver(keys: Array<{ tenantId: string; key: string }>) {
  const tenants = new Map(keys.map(({ tenantId, key }) => [digest(key), tenantId]));
  return (req: Request): string | undefined => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    return match?.[1] ? tenants.get(digest(match[1])) : undefined;
  };
}
