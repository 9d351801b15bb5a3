import type { ConnectorContext, ConnectorCredentials } from '../connectors.js';
import type { JsonObject } from '../storage/port.js';
import type { SecretValues } from '../vault.js';

/** Every synced row carries its tenant in this column, and every remote key starts with it. */
export const TENANT_COLUMN = 'tenant_id';

/** Where one entity's rows go on the sync target. */
export interface SyncEntity {
  /** The remote table, e.g. `pos_products`. */
  table: string;
  /** The columns that identify a row within a tenant, e.g. `['sku']`. The remote key is `tenant_id` plus these. */
  key: readonly string[];
}

/**
 * Writes to a sync target for one tenant. Both calls are idempotent: repeating one leaves the
 * remote rows as the first call did.
 *
 * Failures are {@link IntegrationError}s: `RATE_LIMITED` / `PROVIDER_UNAVAILABLE` are retried,
 * `needsReconnect` stops the flush, and any other 4xx rejects the rows; with
 * `details.scope === 'rows'` the rejection concerns particular rows, and the flusher narrows the
 * batch down to them.
 */
export interface SyncTarget {
  /** Inserts rows or merges them into existing ones; every row has the same columns, `conflict` is the remote key. */
  upsert(table: string, conflict: readonly string[], rows: readonly JsonObject[]): Promise<void>;
  /** Deletes the rows whose `key` columns equal one of `keys`; a missing row is not an error. */
  delete(table: string, key: readonly string[], keys: readonly JsonObject[]): Promise<void>;
}

/** What a connector offers when it can receive the outbox (Supabase). */
export interface SyncCapability<S extends SecretValues = SecretValues, P extends JsonObject = JsonObject> {
  /** Entity name → remote table and key. Enqueueing an entity not listed here is an error. */
  readonly entities: Readonly<Record<string, SyncEntity>>;
  open(credentials: ConnectorCredentials<S, P>, context: ConnectorContext): SyncTarget;
}
