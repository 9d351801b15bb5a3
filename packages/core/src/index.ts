export {
  type ActivityEntry,
  ActivityLog,
  type LogListOptions,
  type LogPage,
  type LogView,
  MAX_LOG_PAGE,
} from './activity.js';
export * from './batches/index.js';
export {
  type Capabilities,
  type CapabilityFeatures,
  computeCapabilities,
  isVariant,
  VARIANTS,
  type Variant,
  variantHasExport,
  variantHasIntegrations,
} from './capabilities.js';
export { type Clock, systemClock } from './clock.js';
// --- connector toolkit (packages/core/src/connectors/kit/): the plumbing a connector would otherwise
// repeat (docs/architecture.md, "Adding a connector"). Kept in one block to move to a subpath whole.
export { type ProviderCallOptions, providerCalls } from './connectors/kit/calls.js';
export { type Environment, type EnvReader, readEnv } from './connectors/kit/env.js';
export {
  type HeaderSource,
  isTimeout,
  type ProviderFailure,
  providerUnavailable,
  rateLimited,
  transientStatus,
  unreachable,
} from './connectors/kit/failures.js';
export { type Lazy, resolveBase, resolveLazy } from './connectors/kit/lazy.js';
export { authorizationUrl, type OAuthRedirect, oauthRedirect } from './connectors/kit/oauth.js';
// --- end of connector toolkit
export {
  type ApiKeyConnector,
  type ConnectionRecords,
  type Connector,
  type ConnectorContext,
  type ConnectorCredentials,
  ConnectorRegistry,
  type CredentialField,
  type OAuthConnector,
  type OAuthGrant,
  type ProviderAccountRule,
  type TestResult,
} from './connectors.js';
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
export { maskIdentifier, maskSecret, redact } from './crypto/mask.js';
export { Secret } from './crypto/secret.js';
export {
  type DeclaredErrorCodes,
  declareErrorCodes,
  type ErrorCodeInfo,
  ErrorCodeRegistry,
  type ErrorCodeTable,
} from './error-codes.js';
export {
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  type ErrorResponse,
  fieldError,
  IntegrationError,
  type IntegrationErrorOptions,
  isIntegrationError,
  type KnownErrorCode,
  parseInput,
  toErrorBody,
  validationError,
} from './errors.js';
export {
  type AddressKind,
  classifyAddress,
  isPublicAddress,
} from './http/addresses.js';
export { discardBody, readBoundedText } from './http/body.js';
export {
  createOutboundGuard,
  normalizeHostPort,
  OutboundGuard,
  type OutboundHttp,
  type OutboundInit,
  type OutboundOptions,
  type OutboundResolver,
  type ResolvedAddress,
} from './http/outbound.js';
export { DEFAULT_RETRY_POLICY, isRetryable, parseRetryAfter, type RetryPolicy, withRetries } from './http/retry.js';
export {
  type ActionResult,
  type AuthorizationComplete,
  type AuthorizationStart,
  type ConnectResult,
  IntegrationService,
  type IntegrationStatusView,
  type TestOutcome,
} from './integrations.js';
export { BATCH_RETRY_AFTER_SECONDS, type BatchTicket } from './limits/batch-slots.js';
export { DEFAULT_LIMITS, type LimitOptions, type ResolvedLimits } from './limits/options.js';
export { DEFAULT_LOG_INTERVAL_MS, LogThrottle, type LogThrottleOptions } from './log-throttle.js';
export {
  type FlexibleLogger,
  type FlexibleLogMethod,
  jsonLogger,
  type LogFields,
  type Logger,
  type LogMethod,
  logEntry,
  loggerFrom,
  silentLogger,
} from './logger.js';
export {
  DEFAULT_REFRESH_MARGIN_MS,
  type RefreshReason,
  TokenRefresher,
  type TokenRefreshOptions,
} from './oauth/refresh.js';
export { type ConsumedState, OAUTH_STATE_TTL_MS, OAuthStateService } from './oauth/state.js';
export * from './payments/index.js';
export { ExistingKeys, IMPORT_MODES, RepeatedKeys } from './storage/batches.js';
export type * from './storage/port.js';
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
  SyncService,
  type SyncStats,
} from './sync/service.js';
export { type SyncCapability, type SyncEntity, type SyncTarget, TENANT_COLUMN } from './sync/target.js';
export {
  describeIssues,
  type FieldProblem,
  fieldPath,
  formatBound,
  issueMessage,
  PERSON_MESSAGES,
  type SchemaIssue,
  summarize,
  ZOD_WORDING,
} from './validation.js';
export {
  CredentialVault,
  credentialAssociatedData,
  type RotationReport,
  type SecretValues,
  type StoredCredentials,
} from './vault.js';
