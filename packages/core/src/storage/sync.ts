import type { IsoTime, JsonObject } from './port.js';

/** The stores behind the sync outbox: queued changes, and per tenant the flush claim and last sync. */

export type SyncOp = 'upsert' | 'delete';
export type SyncItemStatus = 'pending' | 'done' | 'failed';

export interface SyncItemWrite {
  tenantId: string;
  entity: string;
  op: SyncOp;
  /** The remote row's identity within the tenant: a JSON array of the entity's key values. */
  recordKey: string;
  /** The row to upsert, or the key columns of the row to delete. */
  payload: JsonObject;
}

export interface SyncItem extends SyncItemWrite {
  /** Increases in enqueue order; the flusher works in this order. */
  id: number;
  status: SyncItemStatus;
  attempts: number;
  lastError: string | null;
  createdAt: IsoTime;
  updatedAt: IsoTime;
}

/** Where a flush leaves items: delivered, rejected for good, or still pending after a failed attempt. */
export type SyncOutcome =
  | { status: 'done' }
  | { status: 'failed'; error: string }
  | { status: 'pending'; error: string };

export interface SyncQueueStore {
  /** Appends items in the given order (ids increase along the list). */
  enqueue(items: readonly SyncItemWrite[], now: IsoTime): Promise<void>;
  /** A tenant's pending items with `afterId < id <= upToId`, oldest first. */
  listPending(tenantId: string, range: { afterId: number; upToId: number }, limit: number): Promise<SyncItem[]>;
  /** The newest pending item's id, if any. */
  lastPendingId(tenantId: string): Promise<number | undefined>;
  counts(tenantId: string): Promise<{ pending: number; failed: number }>;
  /** Settles pending items and counts the attempt; items no longer pending are left alone. Returns how many changed. */
  settle(tenantId: string, ids: readonly number[], outcome: SyncOutcome, now: IsoTime): Promise<number>;
  /** Puts a tenant's failed items back in the queue (after the merchant fixed the cause). */
  retryFailed(tenantId: string, now: IsoTime): Promise<number>;
  /** Removes a tenant's pending and failed items (when the sync target is disconnected). */
  discard(tenantId: string): Promise<number>;
  /** Removes a tenant's delivered items last touched before `before`. */
  pruneDone(tenantId: string, before: IsoTime): Promise<number>;
  /** Tenants with pending items in tenant order, a page at a time, for the periodic flush. */
  tenantsWithPending(after: string | undefined, limit: number): Promise<string[]>;
}

export interface SyncStateRecord {
  tenantId: string;
  provider: string;
  lastSyncAt: IsoTime | null;
  claimExpiresAt: IsoTime | null;
}

/**
 * One row per tenant and sync target. Its claim makes a flush exclusive per tenant across
 * processes: whoever holds an unexpired claim is the only one pushing that tenant's queue.
 */
export interface SyncStateStore {
  /**
   * Takes the claim in one atomic step if nobody holds it or the holder's claim expired at `now`.
   * Of several concurrent callers, at most one gets `true`.
   */
  claim(tenantId: string, provider: string, token: string, now: IsoTime, expiresAt: IsoTime): Promise<boolean>;
  /** Extends the claim if `token` still holds it; `false` means another flusher took it over. */
  renewClaim(tenantId: string, provider: string, token: string, expiresAt: IsoTime): Promise<boolean>;
  releaseClaim(tenantId: string, provider: string, token: string): Promise<void>;
  recordSync(tenantId: string, provider: string, at: IsoTime): Promise<void>;
  get(tenantId: string, provider: string): Promise<SyncStateRecord | undefined>;
}
