import { type AccountingOptions, type AccountingService, accountingLedger } from './accounting/service.js';
import { ActivityLog } from './activity.js';
import { builtInEntities, type EntityDefinition, EntityRegistry } from './batches/entities.js';
import { Batches, type BatchesOptions } from './batches/service.js';
import {
  type Capabilities,
  computeCapabilities,
  isVariant,
  type Variant,
  variantHasExport,
  variantHasIntegrations,
} from './capabilities.js';
import { CatalogueImports } from './catalogue/imports.js';
import { type Clock, systemClock } from './clock.js';
import { type Connector, ConnectorRegistry } from './connectors.js';
import type { Cipher } from './crypto/cipher.js';
import { ErrorCodeRegistry } from './error-codes.js';
import { IntegrationError } from './errors.js';
import { HostEvents } from './events/bus.js';
import { CommitHooks } from './events/commit.js';
import { EventDelivery, type EventDeliveryOptions } from './events/delivery.js';
import { paymentEventObserver } from './events/payment-observer.js';
import { createOutboundGuard, type OutboundGuard, type OutboundOptions } from './http/outbound.js';
import { IntegrationService } from './integrations.js';
import { BatchSlots } from './limits/batch-slots.js';
import { CheckoutRate } from './limits/checkout-rate.js';
import { type LimitOptions, type ResolvedLimits, resolveLimits } from './limits/options.js';
import { type Logger, silentLogger } from './logger.js';
import type { TokenRefreshOptions } from './oauth/refresh.js';
import { OAuthStateService } from './oauth/state.js';
import type { CheckoutCapability } from './payments/provider.js';
import { type PaymentOptions, PaymentService } from './payments/service.js';
import type { IntegrationStorage, JsonObject } from './storage/port.js';
import { entitySource, FullResync, paymentSource, type ResyncReport, type SyncSource } from './sync/resync.js';
import { type SyncOptions, SyncService } from './sync/service.js';
import { CredentialVault, type RotationReport, type SecretValues, type StoredCredentials } from './vault.js';

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

/**
 * The SDK facade: the services (`connections`, `sync`, `payments`, `batches`) and the parts they
 * are built from.
 */
export class Integrations {
  readonly variant: Variant;
  readonly storage: IntegrationStorage;
  readonly vault: CredentialVault;
  readonly activity: ActivityLog;
  readonly oauthStates: OAuthStateService;
  readonly connectors: ConnectorRegistry;
  /** Connect, status, summary, test, disconnect and logs for every configured connector. */
  readonly connections: IntegrationService;
  /** Every error code this instance answers with: core's generic ones and its connectors' declared ones. */
  readonly errorCodes: ErrorCodeRegistry;
  /** The sync outbox: enqueue changes, flush them, read the figures, run the periodic flush. */
  readonly sync: SyncService;
  /**
   * Checkout sessions for POS orders and their webhooks, when a connector offers checkout
   * (`@pos/connector-stripe` with its `checkout` options); undefined otherwise.
   */
  readonly payments: PaymentService | undefined;
  /**
   * The accounting ledger, when a connector records sales in the merchant's books (its
   * `accounting`): paid payments are queued by itself; `recordSale` / `recordRefund` for the
   * host's own; a flush and the periodic flush push them. Undefined otherwise.
   */
  readonly accounting: AccountingService | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The per-tenant limits in force (the defaults with `options.limits` over them). */
  readonly limits: ResolvedLimits;
  /** The client connectors use for URLs merchants supplied; hosts may use it for their own such calls. */
  readonly outbound: OutboundGuard;
  /**
   * The Data Manager (seed, upload, purge, export), in the export and full variants when the
   * storage bulk-loads the built-in tables or the host registered entity types. The export
   * variant serves only its export.
   */
  readonly batches: Batches | undefined;
  /**
   * Imports a merchant's catalogue from a connected provider whose connector offers one (its
   * `catalogue`), as Data Manager batches; it exists with the full variant's Data Manager.
   */
  readonly catalogue: CatalogueImports | undefined;
  /**
   * What happened, for the host: `on(type, handler)` after each change commits, the webhook
   * `delivery` when a URL is configured, and its `log`.
   */
  readonly events: HostEvents;
  readonly #buildHash: string | undefined;
  readonly #resync: FullResync;

  constructor(given: CreateIntegrationsOptions) {
    // Every service writes through this view: events reach subscribers once their transaction commits.
    const commitHooks = new CommitHooks();
    const options = { ...given, storage: commitHooks.wrap(given.storage) };
    const variant = options.variant ?? 'full';
    if (!isVariant(variant)) {
      throw new IntegrationError(
        'VALIDATION_FAILED',
        `Unknown variant "${String(variant)}": use lite, export or full.`,
      );
    }
    const connectorList = options.connectors ?? [];
    if (!variantHasIntegrations(variant) && connectorList.length > 0) {
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
    const limits = resolveLimits(options.limits);
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    const connectors = new ConnectorRegistry(connectorList);
    const errorCodes = new ErrorCodeRegistry(connectorList);
    const outbound = createOutboundGuard(options.outbound);
    const vault = new CredentialVault(options.storage, options.cipher, clock);
    const activity = new ActivityLog(options.storage, clock, logger);
    const delivery = options.events?.delivery
      ? new EventDelivery({ storage: options.storage, outbound, clock, logger }, options.events.delivery)
      : undefined;
    const events = new HostEvents({ hooks: commitHooks, clock, logger, storage: options.storage, delivery });
    this.events = events;
    const oauthStates = new OAuthStateService(options.storage.oauthStates, clock, limits.oauthStatesPerTenant);
    const sync = new SyncService(
      { storage: options.storage, vault, activity, connectors, clock, logger, outbound, events },
      options.sync,
    );
    this.connections = new IntegrationService({
      storage: options.storage,
      vault,
      activity,
      oauthStates,
      connectors,
      clock,
      logger,
      outbound,
      events,
      ...(options.tokenRefresh ? { tokenRefresh: options.tokenRefresh } : {}),
      onDisconnect: (tx, tenantId, provider) => sync.discard(tx, tenantId, provider),
      // Connecting the sync target queues everything the POS already holds for it.
      onConnected: (tenantId, provider) => this.#resyncAfterConnect(tenantId, provider),
      syncTarget: sync,
      accountingFigures: {
        supports: (provider) => this.accounting?.supports(provider) ?? false,
        stats: async (tenantId) => (this.accounting ? this.accounting.stats(tenantId) : {}),
      },
    });
    this.sync = sync;
    this.variant = variant;
    this.storage = options.storage;
    this.vault = vault;
    this.activity = activity;
    this.oauthStates = oauthStates;
    this.connectors = connectors;
    this.errorCodes = errorCodes;
    this.clock = clock;
    this.logger = logger;
    this.limits = limits;
    this.outbound = outbound;
    this.#buildHash = options.buildHash;
    const entities = variantHasExport(variant)
      ? new EntityRegistry([...builtInEntities(options.storage), ...(options.entities ?? [])])
      : undefined;
    this.batches =
      entities && entities.size > 0
        ? new Batches({
            storage: options.storage,
            entities,
            clock,
            logger,
            outbox: {
              key: (entityType) => sync.keyOf(entityType),
              enqueue: (tx, tenantId, entityType, op, records) =>
                sync.enqueueMany(tenantId, entityType, op, records, { storage: tx }),
            },
            ...(options.batches ? { options: options.batches } : {}),
            slots: new BatchSlots(limits),
            events,
          })
        : undefined;
    this.catalogue =
      this.batches && variantHasIntegrations(variant)
        ? new CatalogueImports({ batches: this.batches, connectors, connections: this.connections, activity })
        : undefined;
    const sources = new Map<string, SyncSource>([['payments', paymentSource(options.storage)]]);
    for (const entity of entities?.list() ?? []) {
      const source = entitySource(entity);
      if (source) sources.set(entity.type, source);
    }
    this.#resync = new FullResync(sync, sources, activity);
    const checkouts = connectorList.filter(
      (connector): connector is Connector & { checkout: CheckoutCapability } => connector.checkout !== undefined,
    );
    if (checkouts.length > 1) {
      throw new IntegrationError('VALIDATION_FAILED', 'Only one connector can host checkout for payments.');
    }
    const [checkout] = checkouts;
    this.accounting = accountingLedger(
      connectorList,
      { storage: options.storage, connectors, connections: this.connections, activity, clock, logger },
      options.accounting,
    );
    this.payments = checkout
      ? new PaymentService(
          {
            storage: options.storage,
            connector: checkout,
            connections: this.connections,
            sync,
            clock,
            logger,
            activity,
            checkoutRate: new CheckoutRate(limits.checkoutsPerMinute, clock),
            observers: [
              ...(this.accounting ? [this.accounting.paymentObserver] : []),
              paymentEventObserver(events, clock),
            ],
          },
          options.payments,
        )
      : undefined;
  }

  capabilities(): Capabilities {
    const provided = new Set<string>();
    if (this.connectors.list().length > 0) provided.add('integrations');
    for (const connector of this.connectors.list()) {
      for (const feature of connector.features ?? [connector.id]) provided.add(feature);
    }
    if (this.batches) provided.add('data_manager');
    if (this.payments) provided.add('payments');
    if (this.accounting) provided.add('accounting');
    if (this.events.delivery) provided.add('events');
    return computeCapabilities({
      variant: this.variant,
      provided,
      ...(this.#buildHash !== undefined ? { buildHash: this.#buildHash } : {}),
    });
  }

  /**
   * Queues every current row of every synced entity (products, customers, payments, and host
   * entities whose sink can read all rows) for the tenant's sync target, page by page; the next
   * flush delivers them. 404 for a connector that does not receive the outbox, 409 when it is
   * not connected.
   */
  resync(tenantId: string, provider: string): Promise<ResyncReport> {
    return this.#resync.run(tenantId, provider);
  }

  /** The connection stands even if queuing fails: the failure is logged and a resync can be asked for. */
  async #resyncAfterConnect(tenantId: string, provider: string): Promise<void> {
    if (!this.sync.supports(provider)) return;
    try {
      await this.#resync.run(tenantId, provider, { onConnect: true });
    } catch (error) {
      const message = error instanceof IntegrationError ? error.message : 'The rows could not be queued.';
      this.logger.error({ tenant_id: tenantId, provider }, 'Queuing every row after connecting failed');
      await this.activity.record({
        tenantId,
        provider,
        level: 'error',
        event: 'resync_failed',
        message: `Could not queue this account's rows to push: ${message} Use "Push everything again" to retry.`,
      });
    }
  }

  // The connection methods from before they moved to `integrations.connections`: each one
  // delegates there, and they go in the next minor version.

  /** @deprecated Use `integrations.connections.connect`; removed in the next minor version. */
  connect(...args: Parameters<IntegrationService['connect']>) {
    return this.connections.connect(...args);
  }

  /** @deprecated Use `integrations.connections.authorizationUrl`; removed in the next minor version. */
  authorizationUrl(...args: Parameters<IntegrationService['authorizationUrl']>) {
    return this.connections.authorizationUrl(...args);
  }

  /** @deprecated Use `integrations.connections.completeAuthorization`; removed in the next minor version. */
  completeAuthorization(...args: Parameters<IntegrationService['completeAuthorization']>) {
    return this.connections.completeAuthorization(...args);
  }

  /** @deprecated Use `integrations.connections.status`; removed in the next minor version. */
  status(...args: Parameters<IntegrationService['status']>) {
    return this.connections.status(...args);
  }

  /** @deprecated Use `integrations.connections.summary`; removed in the next minor version. */
  summary(...args: Parameters<IntegrationService['summary']>) {
    return this.connections.summary(...args);
  }

  /** @deprecated Use `integrations.connections.test`; removed in the next minor version. */
  test(...args: Parameters<IntegrationService['test']>) {
    return this.connections.test(...args);
  }

  /** @deprecated Use `integrations.connections.disconnect`; removed in the next minor version. */
  disconnect(...args: Parameters<IntegrationService['disconnect']>) {
    return this.connections.disconnect(...args);
  }

  /** @deprecated Use `integrations.connections.disconnectedByProvider`; removed in the next minor version. */
  disconnectedByProvider(...args: Parameters<IntegrationService['disconnectedByProvider']>) {
    return this.connections.disconnectedByProvider(...args);
  }

  /** @deprecated Use `integrations.connections.logs`; removed in the next minor version. */
  logs(...args: Parameters<IntegrationService['logs']>) {
    return this.connections.logs(...args);
  }

  /** @deprecated Use `integrations.connections.requireCredentials`; removed in the next minor version. */
  requireCredentials<S extends SecretValues = SecretValues, P extends JsonObject = JsonObject>(
    tenantId: string,
    connector: Connector,
  ): Promise<StoredCredentials<S, P>> {
    return this.connections.requireCredentials<S, P>(tenantId, connector);
  }

  /** @deprecated Use `integrations.connections.withCredentials`; removed in the next minor version. */
  withCredentials<T, S extends SecretValues = SecretValues, P extends JsonObject = JsonObject>(
    tenantId: string,
    provider: string,
    use: (credentials: StoredCredentials<S, P>) => Promise<T>,
  ): Promise<T> {
    return this.connections.withCredentials(tenantId, provider, use);
  }

  /** @deprecated Use `integrations.connections.context`; removed in the next minor version. */
  context(...args: Parameters<IntegrationService['context']>) {
    return this.connections.context(...args);
  }

  /** Re-encrypts every stored credential with the cipher's active key. Safe to run again. */
  rotateKeys(): Promise<RotationReport> {
    return this.vault.rotate();
  }

  /** Fails the Data Manager batches still running, stops the periodic flushes, waits for running flushes, and closes the storage. */
  async close(): Promise<void> {
    await this.batches?.close();
    await this.sync.stop();
    await this.accounting?.stop();
    await this.events.delivery?.stop();
    await this.storage.close();
    await this.outbound.close();
  }
}

export function createIntegrations(options: CreateIntegrationsOptions): Integrations {
  return new Integrations(options);
}
