import type { IsoTime } from './port.js';

/**
 * The accounting ledger's store: one row per sale or refund to record in the merchant's books,
 * kept after it was recorded, so the same sale can never be queued twice.
 */

export type AccountingKind = 'sale' | 'refund';
export type AccountingState = 'pending' | 'pushed' | 'failed';

/** What is recorded: the facts of the sale or refund, as `AccountingEntry` has them. */
export interface AccountingPayload {
  /** For a refund: the reference of the sale it gives money back for. */
  saleReference?: string;
  /** Positive, in minor units. */
  amount: number;
  /** Lowercase ISO 4217 code. */
  currency: string;
  occurredAt: IsoTime;
  memo?: string;
}

export interface AccountingEntryWrite {
  tenantId: string;
  kind: AccountingKind;
  /** The POS's id for it (an order id, a refund id); unique per tenant and kind. */
  reference: string;
  /**
   * Sent with every attempt to record this entry, so the provider makes one document however
   * often the call is repeated. At most 36 characters (QuickBooks takes 50, 36 in a batch).
   */
  requestId: string;
  payload: AccountingPayload;
}

export interface AccountingEntryRecord extends AccountingEntryWrite {
  /** Increases in the order entries were queued; the flush works in this order. */
  id: number;
  state: AccountingState;
  /** Attempts that reached no verdict (the provider was down or rate limiting) or ended the entry. */
  attempts: number;
  /** A pending entry is not tried before this time. */
  nextAttemptAt: IsoTime;
  /** The provider's id of the document made for it, once pushed. */
  documentId: string | null;
  lastError: string | null;
  pushedAt: IsoTime | null;
  createdAt: IsoTime;
  updatedAt: IsoTime;
}

/** A tenant's ledger figures. */
export interface AccountingCounts {
  pending: number;
  pushed: number;
  failed: number;
  /** When an entry was last recorded at the provider. */
  lastPushAt: IsoTime | null;
}

export interface AccountingStore {
  /**
   * Queues an entry, due at `now`. The (tenant, kind, reference) is unique: when it exists
   * already, nothing changes and the stored entry comes back with `created: false`.
   */
  insert(write: AccountingEntryWrite, now: IsoTime): Promise<{ entry: AccountingEntryRecord; created: boolean }>;
  get(tenantId: string, kind: AccountingKind, reference: string): Promise<AccountingEntryRecord | undefined>;
  /** A tenant's pending entries due at `now` with `id > afterId`, oldest first. */
  listDue(tenantId: string, now: IsoTime, afterId: number, limit: number): Promise<AccountingEntryRecord[]>;
  /** Marks a pending entry recorded, counting the attempt; `false` when it was no longer pending. */
  markPushed(tenantId: string, id: number, documentId: string, now: IsoTime): Promise<boolean>;
  /** Marks a pending entry refused for good, with the provider's reason; `false` when it was no longer pending. */
  markFailed(tenantId: string, id: number, error: string, now: IsoTime): Promise<boolean>;
  /** Keeps a pending entry pending, counting the attempt, until `nextAttemptAt`; `false` when it was no longer pending. */
  reschedule(tenantId: string, id: number, error: string, nextAttemptAt: IsoTime, now: IsoTime): Promise<boolean>;
  /**
   * Moves every pending entry of the tenant due before `until` to `until` without counting an
   * attempt (the provider is down or rate limiting: nothing of the tenant's is tried before).
   */
  postpone(tenantId: string, until: IsoTime, now: IsoTime): Promise<number>;
  /** Puts a tenant's failed entries back in the queue, due at `now` (after the merchant fixed the cause). */
  retryFailed(tenantId: string, now: IsoTime): Promise<number>;
  counts(tenantId: string): Promise<AccountingCounts>;
  /** Tenants with pending entries due at `now`, in tenant order, a page at a time, for the periodic flush. */
  tenantsDue(now: IsoTime, after: string | undefined, limit: number): Promise<string[]>;
}
