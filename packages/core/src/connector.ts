/**
 * `@pos/integrations-core/connector`: what a connector author needs. The connector interfaces
 * core calls, the error codes a connector declares and throws, the helpers for provider calls
 * (retries, `Retry-After`, bounded bodies, the outbound guard for merchant-supplied URLs), masking,
 * the connector toolkit (`providerCalls`, `transientStatus`, `unreachable`, `Lazy` options,
 * `readEnv`, `authorizationUrl`, the typed `OAuthRedirect`), and the optional capabilities: `sync`
 * (a target the outbox pushes to), `checkout` (hosted payment pages and their webhooks),
 * `accounting` (sales into the merchant's books) and `catalogue` (the catalogue pulled into the
 * Data Manager). `docs/architecture.md` ("Adding a connector") walks through one.
 */

export type { AccountingCapability, AccountingEntry } from './accounting/target.js';
// Cell texts for a catalogue's rows, shared with the CSV presets so a catalogue pulled from a
// provider reads like its export file: descriptions as text, minor units as the price text the
// Data Manager reads, SKUs derived from names where the provider has none.
export { htmlToText } from './batches/html-text.js';
export { formatPrice } from './batches/money.js';
export { derivedSku } from './batches/text.js';
export type {
  CatalogueCapability,
  CataloguePage,
  CatalogueReadOptions,
  CatalogueRow,
} from './catalogue/capability.js';
export { type Clock, systemClock } from './clock.js';
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
export type {
  ApiKeyConnector,
  ConnectionRecords,
  Connector,
  ConnectorContext,
  ConnectorCredentials,
  CredentialField,
  OAuthConnector,
  OAuthGrant,
  ProviderAccountRule,
  TestResult,
} from './connectors.js';
export { maskIdentifier, maskSecret, redact } from './crypto/mask.js';
export { Secret } from './crypto/secret.js';
export { type DeclaredErrorCodes, declareErrorCodes, type ErrorCodeInfo, type ErrorCodeTable } from './error-codes.js';
export {
  ERROR_STATUS,
  type ErrorCode,
  fieldError,
  IntegrationError,
  type IntegrationErrorOptions,
  type KnownErrorCode,
} from './errors.js';
export { type AddressKind, classifyAddress, isPublicAddress } from './http/addresses.js';
export { discardBody, readBoundedJson, readBoundedText } from './http/body.js';
export {
  createOutboundGuard,
  type OutboundGuard,
  type OutboundHttp,
  type OutboundInit,
  type ResolvedAddress,
} from './http/outbound.js';
export { DEFAULT_RETRY_POLICY, isRetryable, parseRetryAfter, type RetryPolicy, withRetries } from './http/retry.js';
export { type Logger, silentLogger } from './logger.js';
export type {
  CheckoutCapability,
  CheckoutEvent,
  CheckoutSessionRequest,
  CheckoutSessionSnapshot,
  DisputeReport,
  RefundReport,
  RefundRequest,
  SessionOutcome,
  WebhookDelivery,
  WebhookRules,
} from './payments/provider.js';
export { checkoutIdempotencyKey } from './payments/sessions.js';
export type { JsonObject } from './storage/port.js';
export type { SyncCapability, SyncEntity, SyncTarget } from './sync/target.js';
export type { SecretValues, StoredCredentials } from './vault.js';
