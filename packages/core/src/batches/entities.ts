import type { Faker } from '@faker-js/faker';
import type { z } from 'zod';
import { IntegrationError } from '../errors.js';
import type { EntitySink } from '../storage/batches.js';
import type { IntegrationStorage } from '../storage/port.js';
import { type CustomerRow, customersEntity } from './customers.js';
import { type ProductRow, productsEntity } from './products.js';

/** One CSV row as the presets hand it over: field → cell text (absent when the file lacks the column). */
export type EntityInput = Record<string, string | undefined>;
export type EntityRow = Record<string, unknown>;

/**
 * An entity type the Data Manager can seed, import, purge and export. `products` and `customers`
 * are built in; a host registers its own with a schema and a sink:
 *
 * ```ts
 * createIntegrations({ ..., entities: [{ type: 'suppliers', columns: ['code', 'name'], requiredColumns: ['code'],
 *   schema: z.object({ code: z.string().min(1), name: z.string().optional() }), sink: mySuppliersSink }] });
 * ```
 */
export interface EntityDefinition<Row extends EntityRow = EntityRow> {
  /** Lowercase letters, digits and underscores: `products`, `suppliers`. */
  type: string;
  /** Our own CSV columns, in export order; the `pos` preset reads exactly these names. */
  columns: readonly string[];
  /** Columns an upload in our own format must have. */
  requiredColumns: readonly string[];
  /** Validates one row of cell texts and returns what the sink stores. */
  schema: z.ZodType<Row, EntityInput>;
  sink: EntitySink<Row>;
  /** Realistic cell texts for row `index` of a seed (validated like an upload). Without it, no seeding. */
  fake?(faker: Faker, index: number): EntityInput;
  /**
   * Columns a provider import writes only when the provider reported a value (a product's stock
   * count): left out, the stored value stays, so a count the provider did not report never
   * becomes empty or zero.
   */
  reportedOnly?: readonly string[];
  /** A stored row back to cell values for export (default: the columns as stored). */
  format?(row: Row): Record<string, string | number | null>;
  /**
   * A stored row (with `id`, `batch_id`, `created_at`) as the sync outbox sends it to the sync
   * target's table (default: as stored).
   */
  syncRecord?(row: Record<string, unknown>): Record<string, unknown>;
}

const TYPE = /^[a-z][a-z0-9_]{0,63}$/;

/** The entity types of one `Integrations` instance. */
export class EntityRegistry {
  readonly #entities = new Map<string, EntityDefinition>();

  constructor(definitions: Iterable<EntityDefinition>) {
    for (const definition of definitions) {
      if (!TYPE.test(definition.type)) {
        throw new IntegrationError(
          'VALIDATION_FAILED',
          `Entity type "${definition.type}" must be lowercase letters, digits and underscores.`,
        );
      }
      const missing = definition.requiredColumns.filter((column) => !definition.columns.includes(column));
      if (missing.length > 0) {
        throw new IntegrationError(
          'VALIDATION_FAILED',
          `Entity type "${definition.type}" requires columns it does not list: ${missing.join(', ')}.`,
        );
      }
      // A host's definition replaces a built-in one of the same type.
      this.#entities.set(definition.type, definition);
    }
  }

  get size(): number {
    return this.#entities.size;
  }

  list(): EntityDefinition[] {
    return [...this.#entities.values()];
  }

  get(type: string): EntityDefinition | undefined {
    return this.#entities.get(type);
  }

  require(type: string): EntityDefinition {
    const entity = this.#entities.get(type);
    if (!entity) {
      const known = [...this.#entities.keys()].join(', ') || 'none';
      throw new IntegrationError('VALIDATION_FAILED', `Unknown entity_type "${type}": use one of ${known}.`, {
        details: { issues: [{ field: 'entity_type', message: `must be one of ${known}` }] },
      });
    }
    return entity;
  }
}

/** `products` and `customers`, for the tables the storage can bulk-load. */
export function builtInEntities(storage: IntegrationStorage): EntityDefinition[] {
  const entities: EntityDefinition[] = [];
  // The storage's sinks for these tables take the rows these schemas produce.
  const products = storage.entitySink('products') as EntitySink<ProductRow> | undefined;
  if (products) entities.push(productsEntity(products) as unknown as EntityDefinition);
  const customers = storage.entitySink('customers') as EntitySink<CustomerRow> | undefined;
  if (customers) entities.push(customersEntity(customers) as unknown as EntityDefinition);
  return entities;
}
