/**
 * The storage port. Adapters (SQLite, Postgres, your own) implement these stores; every method
 * that touches tenant data takes the tenant id and must filter by it (property 8, docs/properties.md).
 * Times are ISO-8601 UTC strings from the injected clock, which sort as text.
 */

import type { AccountingStore } from './accounting.js';
import type { BatchStore, EntitySink } from './batches.js';
import type { EventOutboxStore } from './events.js';
import type { PaymentStore, WebhookEventStore } from './payments.js';
import type { ProviderAccountStore } from './provider-accounts.js';
import type { DisputeStore, RefundStore } from './refunds.js';
import type { SyncQueueStore, SyncStateStore } from './sync.js';

export type * from './accounting.js';
export type * from './events.js';
export type * from './payments.js';
export type * from './provider-accounts.js';
export type * from './refunds.js';
export type * from './sync.js';

export type IsoTime = string;
export type JsonObject = Record<string, unknown>;

export type ConnectionStatus = 'connected' | 'disconnected' | 'error';
export type LogLevel = 'info' | 'warning' | 'error';

/** One provider's credentials for one tenant: the secret part sealed, the public part readable. */
export interface CredentialRecord {
  tenantId: string;
  provider: string;
  /** Cipher output; names its key id. */
  ciphertext: string;
  /** Non-secret identifiers and masked forms, shown in status and summaries. */
  publicData: JsonObject;
  /** Increases by one on every write, for compare-and-swap updates across processes. */
  version: number;
  /** When the merchant connected: set by `put`, kept by `replace` (refreshes, key rotation). */
  createdAt: IsoTime;
  updatedAt: IsoTime;
  /** When the access token stops working; null for tokens and keys that do not expire. */
  expiresAt: IsoTime | null;
  /** Until when a server holds the right to refresh these credentials; null when nobody does. */
  refreshLeaseUntil: IsoTime | null;
}

export interface CredentialWrite {
  tenantId: string;
  provider: string;
  ciphertext: string;
  publicData: JsonObject;
  /** The access token's expiry (null or absent: it does not expire). */
  expiresAt?: IsoTime | null;
}

/** A request for the right to refresh one tenant's credentials. */
export interface RefreshLeaseClaim {
  tenantId: string;
  provider: string;
  /** The version the claimant read; a newer row means someone already refreshed. */
  expectedVersion: number;
  /** Random, unique to this claim; the completing write must present it. */
  leaseId: string;
  now: IsoTime;
  /** After this time the lease counts as abandoned (its holder crashed) and may be claimed again. */
  until: IsoTime;
}

export interface CredentialStore {
  get(tenantId: string, provider: string): Promise<CredentialRecord | undefined>;
  /** Inserts or overwrites; the version becomes the previous version + 1 (1 for a new row). */
  put(write: CredentialWrite, now: IsoTime): Promise<CredentialRecord>;
  /** Writes only if the stored version still equals `expectedVersion`; otherwise returns undefined. */
  replace(write: CredentialWrite, expectedVersion: number, now: IsoTime): Promise<CredentialRecord | undefined>;
  /**
   * Atomically takes the refresh lease: succeeds only if the row is still at `expectedVersion`
   * and no unexpired lease is held, so of any number of servers exactly one wins.
   */
  claimRefreshLease(claim: RefreshLeaseClaim): Promise<boolean>;
  /**
   * Writes refreshed credentials only while `leaseId` still holds the lease (a reconnect or
   * disconnect in the meantime voids it): version + 1, lease cleared, connection time kept.
   */
  completeRefresh(write: CredentialWrite, leaseId: string, now: IsoTime): Promise<CredentialRecord | undefined>;
  /** Gives a lease up without writing (the refresh failed); a lease held by another id is left alone. */
  releaseRefreshLease(tenantId: string, provider: string, leaseId: string): Promise<void>;
  delete(tenantId: string, provider: string): Promise<boolean>;
  /** Every tenant's credentials in (tenant, provider) order, a page at a time; for key rotation. */
  listPage(after: { tenantId: string; provider: string } | undefined, limit: number): Promise<CredentialRecord[]>;
}

export interface StatusRecord {
  tenantId: string;
  provider: string;
  status: ConnectionStatus;
  lastTestedAt: IsoTime | null;
  lastError: string | null;
  lastErrorCode: string | null;
  needsReconnect: boolean;
  updatedAt: IsoTime;
}

export interface StatusStore {
  get(tenantId: string, provider: string): Promise<StatusRecord | undefined>;
  put(record: StatusRecord): Promise<void>;
  delete(tenantId: string, provider: string): Promise<void>;
}

export interface LogRecord {
  id: string;
  tenantId: string;
  provider: string;
  level: LogLevel;
  event: string;
  message: string;
  details: JsonObject | null;
  createdAt: IsoTime;
}

/** A stored log row with its insertion sequence, which orders rows and anchors cursors. */
export interface StoredLogRecord extends LogRecord {
  seq: number;
}

export interface LogQuery {
  tenantId: string;
  provider: string;
  limit: number;
  /** Only rows older than this sequence number (the previous page's last row). */
  beforeSeq?: number;
  level?: LogLevel;
  event?: string;
}

export interface LogStore {
  append(record: LogRecord): Promise<void>;
  /** Newest first. */
  list(query: LogQuery): Promise<StoredLogRecord[]>;
}

export interface OAuthStateRecord {
  /** SHA-256 of the state value; the value itself is never stored. */
  stateHash: string;
  tenantId: string;
  provider: string;
  createdAt: IsoTime;
  expiresAt: IsoTime;
  /** Provider-specific data carried across the redirect (e.g. a PKCE verifier, sealed). */
  data: JsonObject | null;
}

export interface OAuthStateStore {
  insert(record: OAuthStateRecord): Promise<void>;
  /**
   * Removes and returns the state in one atomic step, whatever its provider or age, so a state
   * can be presented only once even by concurrent callbacks.
   */
  take(stateHash: string): Promise<OAuthStateRecord | undefined>;
  deleteExpired(now: IsoTime): Promise<number>;
  /** How many of the tenant's states, of any provider, expire after `now`, and the soonest of those expiries. */
  countOpen(tenantId: string, now: IsoTime): Promise<{ count: number; firstExpiresAt: IsoTime | null }>;
}

export interface IntegrationStorage {
  readonly credentials: CredentialStore;
  readonly statuses: StatusStore;
  readonly logs: LogStore;
  readonly oauthStates: OAuthStateStore;
  /**
   * Which tenant each provider account is linked to (one tenant per account), with the public
   * facts its connector keeps about it. Webhooks that name an account find its tenant here.
   */
  readonly providerAccounts: ProviderAccountStore;
  readonly batches: BatchStore;
  /**
   * The bulk writer for a built-in Data Manager table (`products`, `customers`), or undefined when
   * this storage cannot bulk-load it (then the entity type is not offered).
   */
  entitySink(entityType: string): EntitySink<Record<string, unknown>> | undefined;
  readonly syncQueue: SyncQueueStore;
  readonly syncState: SyncStateStore;
  readonly payments: PaymentStore;
  readonly webhookEvents: WebhookEventStore;
  /** The accounting ledger: sales and refunds to record in the merchant's books, one per reference. */
  readonly accounting: AccountingStore;
  /** Host events waiting for webhook delivery, and each one's delivery attempts. */
  readonly eventOutbox: EventOutboxStore;
  /** Refunds of payments, whoever made them (one row per provider refund). */
  readonly refunds: RefundStore;
  /** Disputes (chargebacks) of payments. */
  readonly disputes: DisputeStore;
  /** Runs `work` in one transaction; the stores it receives write inside that transaction. */
  transaction<T>(work: (storage: IntegrationStorage) => Promise<T>): Promise<T>;
  /**
   * Optional group commit, for adapters whose commit is the costly part (SQLite: one writer, a
   * WAL write per commit). Like `transaction`, but `work` may share one transaction with other
   * work submitted at about the same moment. Each work still stands alone: when it throws,
   * nothing it wrote is kept, and the promise settles only once the shared transaction
   * committed, so a result is never reported before it is durable. `work` may run more than once
   * (an adapter may roll the group back when one of them throws and run the others again), so its
   * only effects must be its writes through the stores it receives, and it must not wait on
   * anything else. Callers use `transaction` when an adapter has none.
   */
  groupTransaction?<T>(work: (storage: IntegrationStorage) => Promise<T>): Promise<T>;
  /**
   * Creates or upgrades the schema; safe to call on every start. May return notes for the
   * operator about stored data a migration changed (rows it merged, say).
   */
  migrate(): Promise<readonly string[] | undefined>;
  /**
   * Resolves once the database answered a query against the schema, for readiness checks;
   * rejects when it cannot be reached. Optional: callers fall back on an empty transaction.
   */
  ping?(): Promise<void>;
  close(): Promise<void>;
}

export type * from './batches.js';
