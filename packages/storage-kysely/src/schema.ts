import type { ColumnType, Generated } from 'kysely';

/**
 * A `bigint` column (money in minor units, byte counts). SQLite reads it as a number and
 * node-postgres as a string, so reads are typed as either: convert them with `readInteger`.
 */
export type Int8 = ColumnType<number | string, number, number>;

/**
 * Table types of the integrations schema. JSON columns hold text in every dialect and booleans
 * hold 0/1, so one set of queries serves SQLite and Postgres alike.
 */
export interface IntegrationCredentialsTable {
  tenant_id: string;
  provider: string;
  ciphertext: string;
  public_data: string;
  version: number;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
  refresh_lease_id: string | null;
  refresh_lease_until: string | null;
}

export interface IntegrationStatusTable {
  tenant_id: string;
  provider: string;
  status: string;
  last_tested_at: string | null;
  last_error: string | null;
  last_error_code: string | null;
  needs_reconnect: number;
  updated_at: string;
}

export interface IntegrationLogsTable {
  seq: Generated<number>;
  id: string;
  tenant_id: string;
  provider: string;
  level: string;
  event: string;
  message: string;
  details: string | null;
  created_at: string;
}

export interface OAuthStatesTable {
  state_hash: string;
  tenant_id: string;
  provider: string;
  created_at: string;
  expires_at: string;
  data: string | null;
}

/**
 * Which tenant a provider account is linked to: one per (provider, account), one per (tenant,
 * provider); `details` is JSON text. (The seed's `stripe_connected_accounts` stays in existing
 * databases, unused since `0010_provider_account_details` moved its facts here.)
 */
export interface ProviderAccountsTable {
  provider: string;
  account_id: string;
  tenant_id: string;
  created_at: string;
  details: Generated<string>;
  updated_at: string | null;
}

export interface DataBatchesTable {
  id: string;
  tenant_id: string;
  batch_type: string;
  entity_type: string;
  record_count: number;
  processed_count: number;
  status: string;
  error_message: string | null;
  errors: string | null;
  error_count: number;
  preset: string | null;
  total_bytes: Int8 | null;
  bytes_read: Int8 | null;
  target_batch_id: string | null;
  created_at: string;
  completed_at: string | null;
  /** Added by migration 0005. */
  heartbeat_at: string | null;
  purged_by: string | null;
  unknown_columns: string | null;
  idempotency_key: string | null;
  /** Added by migration 0009: what a completed seed or upload did, and its mode. */
  inserted_count: number | null;
  updated_count: number | null;
  unchanged_count: number | null;
  mode: string | null;
  /** Added by migration 0019: a provider import's source, total and missing rows. */
  source: string | null;
  total_count: number | null;
  missing_count: number | null;
  missing: string | null;
  remove_missing: number | null;
}

export interface PaymentsTable {
  id: string;
  tenant_id: string;
  order_id: string;
  provider: string;
  provider_ref: string | null;
  checkout_url: string | null;
  amount: Int8;
  currency: string;
  status: string;
  attempt: number;
  expires_at: string | null;
  webhook_events: string;
  created_at: string;
  updated_at: string;
  // 0006_payments
  provider_account: string | null;
  session_status: string | null;
  claim_until: string | null;
  claim_token: string | null;
  last_error_code: string | null;
  version: Generated<number>;
  // 0008_payment_sessions: 0 or 1
  needs_review: Generated<number>;
  // 0020_refunds
  payment_ref: string | null;
  refunded_amount: ColumnType<number | string, number | undefined, number>;
  /** JSON of the payment's dispute, or null. */
  dispute: string | null;
}

export interface PaymentRefundsTable {
  id: string;
  tenant_id: string;
  provider: string;
  payment_id: string | null;
  order_id: string | null;
  payment_ref: string | null;
  provider_refund_id: string | null;
  amount: Int8;
  currency: string;
  reason: string | null;
  status: string;
  source: string;
  client_key: string | null;
  request_hash: string | null;
  failure_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface PaymentDisputesTable {
  provider: string;
  dispute_id: string;
  tenant_id: string;
  payment_id: string | null;
  payment_ref: string | null;
  status: string;
  /** 0 or 1 */
  closed: number;
  amount: Int8;
  currency: string;
  reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface PaymentSessionsTable {
  provider: string;
  session_id: string;
  tenant_id: string;
  order_id: string;
  payment_id: string;
  provider_account: string | null;
  attempt: number;
  amount: Int8;
  currency: string;
  created_at: string;
}

export interface WebhookEventsTable {
  event_id: string;
  provider: string;
  type: string;
  account: string | null;
  received_at: string;
  processed_at: string | null;
}

export interface SyncQueueTable {
  id: Generated<number>;
  tenant_id: string;
  entity: string;
  op: string;
  record_key: string;
  payload: string | null;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface SyncStateTable {
  tenant_id: string;
  provider: string;
  claim_token: string | null;
  claim_expires_at: string | null;
  last_sync_at: string | null;
  updated_at: string;
}

export interface AccountingEntriesTable {
  id: Generated<number>;
  tenant_id: string;
  kind: string;
  reference: string;
  request_id: string;
  /** JSON text: amount, currency, occurredAt, memo, saleReference. */
  payload: string;
  state: string;
  attempts: number;
  next_attempt_at: string;
  document_id: string | null;
  last_error: string | null;
  pushed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** 0020_events: host events waiting for webhook delivery, and each attempt. */
export interface EventOutboxTable {
  id: string;
  tenant_id: string;
  type: string;
  body: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  claim_token: string | null;
  claim_until: string | null;
  delivered_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface EventDeliveriesTable {
  event_id: string;
  attempt: number;
  tenant_id: string;
  attempted_at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface ProductsTable {
  id: Generated<number>;
  tenant_id: string;
  batch_id: string;
  /**
   * Added by migration 0009: the last later batch that changed the row's values, and the last
   * later batch whose file held it; null while there is none.
   */
  changed_batch_id: string | null;
  seen_batch_id: string | null;
  sku: string;
  name: string;
  price: Int8;
  currency: string;
  category: string | null;
  stock: number | null;
  barcode: string | null;
  description: string | null;
  created_at: string;
}

export interface CustomersTable {
  id: Generated<number>;
  tenant_id: string;
  batch_id: string;
  /**
   * Added by migration 0009: the last later batch that changed the row's values, and the last
   * later batch whose file held it; null while there is none.
   */
  changed_batch_id: string | null;
  seen_batch_id: string | null;
  /** Added by migration 0009: the customer's id within the tenant (unique per tenant). */
  customer_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  address_line1: string | null;
  city: string | null;
  region: string | null;
  postal_code: string | null;
  country: string | null;
  created_at: string;
}

export interface IntegrationsDatabase {
  integration_credentials: IntegrationCredentialsTable;
  integration_status: IntegrationStatusTable;
  integration_logs: IntegrationLogsTable;
  oauth_states: OAuthStatesTable;
  provider_accounts: ProviderAccountsTable;
  data_batches: DataBatchesTable;
  payments: PaymentsTable;
  payment_sessions: PaymentSessionsTable;
  payment_refunds: PaymentRefundsTable;
  payment_disputes: PaymentDisputesTable;
  webhook_events: WebhookEventsTable;
  sync_queue: SyncQueueTable;
  sync_state: SyncStateTable;
  accounting_entries: AccountingEntriesTable;
  products: ProductsTable;
  customers: CustomersTable;
  event_outbox: EventOutboxTable;
  event_deliveries: EventDeliveriesTable;
}

export type SqlDialectName = 'sqlite' | 'postgres';
