import type { ActivityLog } from '../activity.js';
import type { Batches, BatchRun } from '../batches/service.js';
import type { DataBatch } from '../batches/view.js';
import type { Connector, ConnectorRegistry } from '../connectors.js';
import { fieldError, IntegrationError, isIntegrationError } from '../errors.js';
import type { IntegrationService } from '../integrations.js';
import type { BatchTicket } from '../limits/batch-slots.js';
import { assertTenant } from '../tenant.js';
import type { CatalogueCapability } from './capability.js';

/** A configured connector whose catalogue can be imported, and what it offers. */
export interface CatalogueSource {
  provider: string;
  name: string;
  /** The entity types it supplies that the Data Manager has. */
  entityTypes: string[];
}

export interface CatalogueImportOptions {
  /** `products` (the default) or another type the connector supplies (`customers`). */
  entityType?: string;
  /**
   * Remove the rows the tenant last imported from this provider that it no longer has (default
   * false: they are counted and listed in the batch, and stay).
   */
  removeMissing?: boolean;
  /** A client's key for this request: repeating it returns the first batch instead of a second one. */
  idempotencyKey?: string;
  /** A slot taken with `Batches.admit`; without one the import takes its own. */
  ticket?: BatchTicket;
}

type CatalogueConnector = Connector & { catalogue: CatalogueCapability };

interface CatalogueParts {
  batches: Batches;
  connectors: ConnectorRegistry;
  connections: Pick<IntegrationService, 'withCredentials' | 'context'>;
  activity: ActivityLog;
}

/**
 * Pulls a merchant's catalogue from a connected provider (a connector's `catalogue`) into the
 * Data Manager, each pull one `provider_import` batch (see `Batches.importFrom`). The batch's
 * start and its outcome are also written to the provider's integration log.
 */
export class CatalogueImports {
  readonly #parts: CatalogueParts;

  constructor(parts: CatalogueParts) {
    this.#parts = parts;
  }

  /** The configured connectors whose catalogue can be imported, with the entity types each supplies. */
  sources(): CatalogueSource[] {
    const { connectors, batches } = this.#parts;
    return connectors
      .list()
      .filter((connector): connector is CatalogueConnector => connector.catalogue !== undefined)
      .map((connector) => ({
        provider: connector.id,
        name: connector.displayName,
        entityTypes: connector.catalogue.entityTypes.filter((type) => batches.entities.get(type) !== undefined),
      }))
      .filter((source) => source.entityTypes.length > 0);
  }

  /**
   * Starts importing the tenant's catalogue of one entity type from `provider`. Returns once the
   * batch exists; `done` settles when every row was read and either all were written or none.
   * `NOT_FOUND` (404) for a provider that is not configured, has no catalogue or is not connected
   * for the tenant; `VALIDATION_FAILED` for an entity type it does not supply.
   */
  async import(tenantId: string, provider: string, options: CatalogueImportOptions = {}): Promise<BatchRun> {
    assertTenant(tenantId);
    const connector = this.#connector(provider);
    const entityType = options.entityType ?? 'products';
    const offered = this.sources().find((source) => source.provider === connector.id)?.entityTypes ?? [];
    if (!offered.includes(entityType)) {
      throw fieldError('entity_type', `must be ${offered.join(' or ')}: ${connector.displayName} supplies no other`);
    }
    const credentials = await this.#credentials(tenantId, connector);
    const context = this.#parts.connections.context(tenantId);
    const run = await this.#parts.batches.importFrom(tenantId, {
      entityType,
      source: connector.id,
      providerName: connector.displayName,
      pages: (signal) => connector.catalogue.read(entityType, credentials, context, { signal }),
      ...(options.removeMissing !== undefined ? { removeMissing: options.removeMissing } : {}),
      ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
      ...(options.ticket ? { ticket: options.ticket } : {}),
    });
    if (!run.repeated) {
      await this.#log(tenantId, connector, run.batch, 'started');
      void run.done.then((batch) => this.#log(tenantId, connector, batch, 'finished')).catch(() => undefined);
    }
    return run;
  }

  #connector(provider: string): CatalogueConnector {
    const connector = this.#parts.connectors.list().find((candidate) => candidate.id === provider);
    if (!connector?.catalogue) {
      throw new IntegrationError('NOT_FOUND', `No catalogue can be imported from "${provider}".`);
    }
    return connector as CatalogueConnector;
  }

  /** The tenant's credentials, refreshed when due; a provider that is not connected is `NOT_FOUND`. */
  async #credentials(tenantId: string, connector: Connector) {
    const notConnected = connector.notConnectedCode ?? 'NOT_CONNECTED';
    try {
      return await this.#parts.connections.withCredentials(tenantId, connector.id, async (credentials) => credentials);
    } catch (error) {
      if (isIntegrationError(error) && error.code === notConnected) {
        throw new IntegrationError(
          'NOT_FOUND',
          `${connector.displayName} is not connected for this account: connect it to import its catalogue.`,
        );
      }
      throw error;
    }
  }

  /** The provider's integration log hears of each import: its start, then what it did or why it failed. */
  async #log(tenantId: string, connector: Connector, batch: DataBatch, stage: 'started' | 'finished'): Promise<void> {
    const what = batch.entity_type;
    const details = { batch_id: batch.id, entity_type: what };
    if (stage === 'started') {
      await this.#parts.activity.record({
        tenantId,
        provider: connector.id,
        level: 'info',
        event: 'catalogue_import_started',
        message: `Importing ${what} from ${connector.displayName} (batch ${batch.id}).`,
        details,
      });
      return;
    }
    if (batch.status !== 'completed') {
      await this.#parts.activity.record({
        tenantId,
        provider: connector.id,
        level: 'error',
        event: 'catalogue_import_failed',
        message:
          `Importing ${what} from ${connector.displayName} failed; nothing was imported. ${batch.error_message ?? ''}`.trim(),
        details,
      });
      return;
    }
    const missing = batch.missing_count ?? 0;
    const gone =
      missing === 0
        ? ''
        : batch.remove_missing
          ? ` ${missing} that ${connector.displayName} no longer has were removed.`
          : ` ${missing} that ${connector.displayName} no longer has were kept (import again with "remove missing" to remove them).`;
    await this.#parts.activity.record({
      tenantId,
      provider: connector.id,
      level: 'info',
      event: 'catalogue_import_completed',
      message:
        `Imported ${batch.record_count} ${what} from ${connector.displayName}: ${batch.inserted_count ?? 0} new, ` +
        `${batch.updated_count ?? 0} updated, ${batch.unchanged_count ?? 0} unchanged.${gone}`,
      details: { ...details, missing_count: missing },
    });
  }
}
