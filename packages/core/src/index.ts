/**
 * `@pos/integrations-core`: what an application needs. Create the facade with `createIntegrations`,
 * give it a key ring, a storage adapter and connectors, catch `IntegrationError`, and read the
 * types of what its services answer. Writing a connector: `@pos/integrations-core/connector`;
 * writing a storage adapter: `@pos/integrations-core/storage`; test suites for either:
 * `@pos/integrations-core/testing`. `packages/core/api/*.api.md` lists each entry point's names.
 *
 * Here: the facade and its options (storage, cipher and key ring, connectors, clock, logger,
 * limits, token renewal, outbound guard, sync, payments, Data Manager entities); the errors and
 * the error body; variants and capabilities; the input schemas and bounds an HTTP layer validates
 * with; and the types of what the services answer (`integrations.connections`, `.sync`,
 * `.payments`, `.batches`, `.accounting`), exported as types where the facade builds the object.
 */

export {
  ACCOUNTING_LABELS,
  type AccountingEntryView,
  type AccountingFlushOptions,
  type AccountingFlushReport,
  type AccountingOptions,
  type AccountingPassReport,
  type AccountingRefundInput,
  type AccountingService,
  type AccountingStats,
  DEFAULT_ACCOUNTING_RETRY,
  type RecordOptions,
  type SaleInput,
} from './accounting/service.js';
export {
  type ActivityEntry,
  type ActivityLog,
  type LogListOptions,
  type LogPage,
  type LogView,
  MAX_LOG_PAGE,
} from './activity.js';
export type { EntityDefinition, EntityInput, EntityRow } from './batches/entities.js';
export { BATCH_ID as BATCH_ID_PATTERN } from './batches/ids.js';
export { DECIMAL_MARKS, type DecimalMark } from './batches/money.js';
export { PRESET_IDS } from './batches/presets/index.js';
export {
  type Batches,
  type BatchesOptions,
  type BatchRun,
  type CsvExport,
  DEFAULT_BATCH_PAGE,
  DEFAULT_SEED_COUNT,
  MAX_BATCH_PAGE,
  MAX_ROW_ERRORS,
  MAX_SEED_COUNT,
  type ProviderImportOptions,
  type PurgePlan,
  type PurgeResult,
  type SeedOptions,
  type UploadOptions,
} from './batches/service.js';
export type { DataBatch } from './batches/view.js';
export {
  type Capabilities,
  type CapabilityFeatures,
  isVariant,
  VARIANTS,
  type Variant,
  variantHasExport,
  variantHasIntegrations,
} from './capabilities.js';
export type { CatalogueImportOptions, CatalogueImports, CatalogueSource } from './catalogue/imports.js';
export { type Clock, systemClock } from './clock.js';
export type { Connector, ConnectorRegistry } from './connectors.js';
export { type CreateIntegrationsOptions, createIntegrations, Integrations } from './create.js';
export {
  type Cipher,
  createKeyRing,
  DecryptionError,
  generateEncryptionKey,
  type KeyRingKey,
  type KeyRingOptions,
  keyFingerprint,
  keyRingFromEnv,
} from './crypto/cipher.js';
export type { ErrorCodeInfo, ErrorCodeRegistry, ErrorCodeTable } from './error-codes.js';
export {
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  type ErrorResponse,
  IntegrationError,
  type IntegrationErrorOptions,
  isIntegrationError,
  type KnownErrorCode,
  parseInput,
  toErrorBody,
} from './errors.js';
export type { HostEventHandler, HostEvents } from './events/bus.js';
export type { DeliveryReport, EventDelivery, EventDeliveryOptions } from './events/delivery.js';
export {
  type EventDeliveryAttemptView,
  type EventDeliveryPage,
  type EventDeliveryView,
  type EventLogQuery,
  eventLogInput,
} from './events/log.js';
export { PAYMENT_EVENTS } from './events/objects.js';
export { EVENT_SIGNATURE_HEADER, signEventBody, verifyEventSignature } from './events/signature.js';
export {
  type BatchEventObject,
  HOST_EVENT_TYPES,
  type HostEvent,
  type HostEventObjects,
  type HostEventType,
  type IntegrationEventObject,
  isHostEventType,
  type PaymentEventObject,
  type SyncFailureObject,
} from './events/types.js';
export { normalizeHostPort, type OutboundGuard, type OutboundOptions, type OutboundResolver } from './http/outbound.js';
export type { RetryPolicy } from './http/retry.js';
export type {
  ActionResult,
  AuthorizationComplete,
  AuthorizationStart,
  ConnectResult,
  IntegrationService,
  IntegrationStatusView,
  TestOutcome,
} from './integrations.js';
export { BATCH_RETRY_AFTER_SECONDS, type BatchTicket } from './limits/batch-slots.js';
export { DEFAULT_LIMITS, type LimitOptions, type ResolvedLimits } from './limits/options.js';
export { DEFAULT_LOG_INTERVAL_MS, LogThrottle, type LogThrottleOptions } from './log-throttle.js';
export {
  type FlexibleLogger,
  jsonLogger,
  type LogFields,
  type Logger,
  type LogMethod,
  loggerFrom,
  silentLogger,
} from './logger.js';
export { DEFAULT_REFRESH_MARGIN_MS, type TokenRefreshOptions } from './oauth/refresh.js';
export { OAUTH_STATE_TTL_MS, type OAuthStateService } from './oauth/state.js';
export {
  type CheckoutSessionInput,
  checkoutSessionInput,
  MAX_PAYMENT_AMOUNT,
  MAX_PAYMENT_PAGE,
  orderIdSchema,
  type PaymentListInput,
  paymentListInput,
  paymentStatusSchema,
  type RefundInput,
  refundInput,
} from './payments/input.js';
export type { WebhookDelivery, WebhookRules } from './payments/provider.js';
export type {
  PaymentChangeDetail,
  PaymentObserver,
  PaymentOptions,
  PaymentService,
  WebhookResult,
} from './payments/service.js';
export type { PaymentDetail, PaymentPage, PaymentView, RefundView } from './payments/view.js';
export type { EntitySink } from './storage/batches.js';
export { IMPORT_MODES, type ImportMode } from './storage/batches.js';
export type { PaymentDispute, PaymentStatus } from './storage/payments.js';
export type { IntegrationStorage, JsonObject } from './storage/port.js';
export type { RefundRecord, RefundStatus } from './storage/refunds.js';
export type { ResyncReport } from './sync/resync.js';
export {
  DEFAULT_SYNC_CONCURRENCY,
  DEFAULT_SYNC_TENANT_BUDGET_MS,
  type PassReport,
  type SchedulerOptions,
} from './sync/scheduler.js';
export {
  DEFAULT_SYNC_RETRY,
  type EnqueueOptions,
  type FlushOptions,
  MAX_SYNC_CHUNK,
  type PeriodicFlushOptions,
  type SyncOptions,
  type SyncReport,
  type SyncService,
  type SyncStats,
} from './sync/service.js';
export type { CredentialVault, RotationReport, SecretValues, StoredCredentials } from './vault.js';
