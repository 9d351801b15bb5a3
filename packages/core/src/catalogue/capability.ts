import type { EntityInput } from '../batches/entities.js';
import type { ConnectorContext, ConnectorCredentials } from '../connectors.js';
import type { JsonObject } from '../storage/port.js';
import type { SecretValues } from '../vault.js';

/** One object of a provider's catalogue, as the Data Manager imports it. */
export interface CatalogueRow {
  /**
   * The provider's id for the object (a Square item variation id, a Clover item id, a WooCommerce
   * product or variation id). A row that fails validation is reported by this id instead of a
   * row number.
   */
  ref: string;
  /**
   * The row's cell texts by our own column names (`sku`, `name`, `price`, `currency`, `category`,
   * `stock`, `barcode`, `description`; customers: `id`, `name`, `email`, …), validated exactly
   * like a row of an upload in our own format: prices are decimal text with a point (`9.99`),
   * stock a whole number. Leave a field out when the provider has no value for it. A column the
   * entity writes only when reported (`stock`) keeps the stored value when left out: only a
   * count the provider reported for the connected location is written, and a missing count never
   * becomes zero.
   */
  fields: EntityInput;
}

/** One page of a provider's catalogue. */
export interface CataloguePage {
  rows: readonly CatalogueRow[];
  /** How many objects the whole catalogue holds, when the provider says (the batch's progress). */
  total?: number;
}

export interface CatalogueReadOptions {
  /** Aborted when the batch stops (the server closes, another process took it over): stop reading. */
  signal: AbortSignal;
}

/**
 * What a connector offers when the merchant's catalogue can be pulled from the provider into the
 * Data Manager (`POST /api/data-manager/import-from/:provider`). Core runs each pull as one batch
 * of type `provider_import`: all rows or none, upserted by the entity's key (a product's SKU),
 * with progress, recovery, purge and the sync outbox like any other batch.
 *
 * `read` yields every object of one entity type, a page at a time in the provider's order,
 * following the provider's cursor or offset to the end. It waits out rate limits itself
 * (`Retry-After`) and throws an `IntegrationError` for any other failure: the batch then fails
 * and nothing is written. Rows are one per record: a key (SKU) the provider repeats is reported
 * as a row error naming both objects.
 */
export interface CatalogueCapability<S extends SecretValues = SecretValues, P extends JsonObject = JsonObject> {
  /** The entity types this provider can supply: `products`, and `customers` where it keeps them. */
  readonly entityTypes: readonly string[];
  read(
    entityType: string,
    credentials: ConnectorCredentials<S, P>,
    context: ConnectorContext,
    options: CatalogueReadOptions,
  ): AsyncIterable<CataloguePage>;
}
