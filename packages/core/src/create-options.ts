import type { AccountingOptions } from './accounting/service.js';
import type { EntityDefinition } from './batches/entities.js';
import type { BatchesOptions } from './batches/service.js';
import { isVariant, type Variant, variantHasExport, variantHasIntegrations } from './capabilities.js';
import type { Clock } from './clock.js';
import type { Connector } from './connectors.js';
import type { Cipher } from './crypto/cipher.js';
import { IntegrationError } from './errors.js';
import type { EventDeliveryOptions } from './events/delivery.js';
import type { OutboundOptions } from './http/outbound.js';
import type { LimitOptions } from './limits/options.js';
import type { Logger } from './logger.js';
import type { TokenRefreshOptions } from './oauth/refresh.js';
import type { PaymentOptions } from './payments/service.js';
import type { IntegrationStorage } from './storage/port.js';
import type { SyncOptions } from './sync/service.js';

export interface CreateIntegrationsOptions {
  /** A migrated storage adapter, e.g. `await createSqliteStorage({ filename })`. */
  storage: IntegrationStorage;
  /** Seals credentials at rest; `keyRingFromEnv()` or `createKeyRing(...)` give the default. */
  cipher: Cipher;
  connectors?: readonly Connector[];
  /** Defaults to `full`. Only the full variant has integrations. */
  variant?: Variant;
  clock?: Clock;
  logger?: Logger;
  /** Reported by capabilities, e.g. a git commit. */
  buildHash?: string;
  /** When expiring OAuth tokens are renewed (default: 5 minutes before expiry) and how servers coordinate. */
  tokenRefresh?: TokenRefreshOptions;
  /** Tuning of the sync outbox (chunk size, retries, claim length, periodic pass concurrency and budget). */
  sync?: SyncOptions;
  /**
   * Data Manager entity types besides the built-in `products` and `customers` (or replacing one
   * of them): a zod row schema and a sink each. Export and full variants only.
   */
  entities?: readonly EntityDefinition[];
  /** Data Manager tuning: heartbeat, lease, default currency. */
  batches?: BatchesOptions;
  /** Tuning of payments (claim length, trail length); payments exist when a connector offers checkout. */
  payments?: PaymentOptions;
  /** Tuning of the accounting ledger (retries, backoff, claim length); it exists when a connector offers `accounting`. */
  accounting?: AccountingOptions;
  /**
   * Per-tenant limits: running Data Manager batches, upload bytes in flight, open OAuth states,
   * checkout requests per minute. Over a limit a request gets `429 RATE_LIMITED` with `Retry-After`.
   */
  limits?: LimitOptions;
  /**
   * The guard for URLs merchants supply (a Supabase project URL): `allowedPrivateHosts` lists the
   * `host:port` entries that may be private and plain http (local projects, tests); `lookup`
   * replaces the system resolver.
   */
  outbound?: OutboundOptions;
  /**
   * Host events (`integrations.events`). Subscribers in this process need nothing here; with
   * `delivery`, every event is also written to the outbox in the transaction of its change and
   * POSTed, signed, to `delivery.url` (see docs/events.md).
   */
  events?: { delivery?: EventDeliveryOptions };
}

/** The variant the options ask for (default `full`), refusing parts that variant does not have. */
export function checkedVariant(options: CreateIntegrationsOptions): Variant {
  const variant = options.variant ?? 'full';
  if (!isVariant(variant)) {
    throw new IntegrationError('VALIDATION_FAILED', `Unknown variant "${String(variant)}": use lite, export or full.`);
  }
  if (!variantHasIntegrations(variant) && (options.connectors?.length ?? 0) > 0) {
    throw new IntegrationError(
      'VALIDATION_FAILED',
      `The ${variant} variant has no integrations: remove the connectors or use the full variant.`,
    );
  }
  if (!variantHasExport(variant) && (options.entities?.length ?? 0) > 0) {
    throw new IntegrationError(
      'VALIDATION_FAILED',
      'The lite variant has no Data Manager: remove the entities or use the export or full variant.',
    );
  }
  return variant;
}
