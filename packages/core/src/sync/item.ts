import { IntegrationError } from '../errors.js';
import type { JsonObject } from '../storage/port.js';
import type { SyncItemWrite, SyncOp } from '../storage/sync.js';
import { type SyncEntity, TENANT_COLUMN } from './target.js';

const COLUMN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function isKeyValue(value: unknown): value is string | number {
  return (typeof value === 'string' && value.length > 0) || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * The queue item for one change of entity `name`: the record checked (JSON, plain column names,
 * its key columns present), its key, and for a delete only the key columns; every payload carries
 * the tenant.
 */
export function syncItem(
  tenantId: string,
  name: string,
  entity: SyncEntity,
  op: SyncOp,
  record: JsonObject,
): SyncItemWrite {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new IntegrationError('VALIDATION_FAILED', `A ${name} record to sync must be an object.`);
  }
  let row: JsonObject;
  try {
    row = JSON.parse(JSON.stringify(record)) as JsonObject;
  } catch {
    throw new IntegrationError('VALIDATION_FAILED', `A ${name} record to sync must be JSON (no BigInt, no cycles).`);
  }
  for (const column of Object.keys(row)) {
    if (!COLUMN.test(column)) {
      throw new IntegrationError(
        'VALIDATION_FAILED',
        `"${column}" is not a column name that can be synced: use letters, digits and underscores.`,
      );
    }
  }
  const keyValues = entity.key.map((column) => {
    const value = row[column];
    if (!isKeyValue(value)) {
      throw new IntegrationError(
        'VALIDATION_FAILED',
        `A ${name} record needs "${column}" (a non-empty string or a number) to be synced.`,
      );
    }
    return value;
  });
  const columns = op === 'delete' ? Object.fromEntries(entity.key.map((column, i) => [column, keyValues[i]])) : row;
  return {
    tenantId,
    entity: name,
    op,
    recordKey: JSON.stringify(keyValues),
    payload: { ...columns, [TENANT_COLUMN]: tenantId },
  };
}
