import type {
  BatchTarget,
  EntityImport,
  EntitySink,
  ImportTarget,
  IntegrationStorage,
  PurgePreview,
  PurgeWork,
} from '@pos/integrations-core/storage';
import type { Kysely } from 'kysely';
import { visibleRow } from './hidden-sql.js';
import type { MergeTable } from './merge-sql.js';
import { missingCondition } from './missing-sql.js';
import { readInteger } from './numbers.js';
import type { IntegrationsDatabase } from './schema.js';

/** A Data Manager table: its name, key and the row columns a sink writes besides the bookkeeping ones. */
export interface EntityTable extends MergeTable {
  name: 'products' | 'customers';
  /**
   * In CSV and insert order. Every row also gets `tenant_id`, `created_at` and the batch marks
   * `batch_id`, `changed_batch_id` and `seen_batch_id`.
   */
  columns: readonly string[];
  /** Columns read back as numbers (Postgres returns `bigint` as text). */
  integerColumns: readonly string[];
}

export const ENTITY_TABLES: Record<EntityTable['name'], EntityTable> = {
  products: {
    name: 'products',
    columns: ['sku', 'name', 'price', 'currency', 'category', 'stock', 'barcode', 'description'],
    key: ['sku'],
    integerColumns: ['price', 'stock'],
  },
  customers: {
    name: 'customers',
    columns: [
      'customer_id',
      'name',
      'email',
      'phone',
      'company',
      'address_line1',
      'city',
      'region',
      'postal_code',
      'country',
    ],
    key: ['customer_id'],
    keyInFile: 'id',
    matchBy: 'email',
    integerColumns: [],
  },
};

export type EntityRow = Record<string, unknown>;

/** A query builder over a table chosen at run time. */
// biome-ignore lint/suspicious/noExplicitAny: the tables and columns are chosen at run time.
type Dynamic = any;

/**
 * The dialect-specific half of a sink: how rows get into a table in bulk without blocking the
 * storage's other queries. SQLite stages rows in a file of its own; Postgres `COPY`s them into a
 * temporary table. Both then merge them with `mergeStaged`.
 */
export interface BulkLoader {
  open(table: EntityTable, target: ImportTarget): Promise<EntityImport<EntityRow>>;
}

/** The part of the Kysely storage a sink needs (a type, so the two modules do not import each other). */
export interface SinkHost {
  readonly db: Kysely<IntegrationsDatabase>;
  transaction<T>(work: (storage: IntegrationStorage) => Promise<T>): Promise<T>;
}

const PAGE = 1000;

/** Purge and export in dialect-neutral Kysely; bulk import through the adapter's loader. */
export class KyselyEntitySink implements EntitySink<EntityRow> {
  readonly #host: SinkHost;
  readonly #table: EntityTable;
  readonly #loader: BulkLoader;

  constructor(host: SinkHost, table: EntityTable, loader: BulkLoader) {
    this.#host = host;
    this.#table = table;
    this.#loader = loader;
  }

  open(target: ImportTarget): Promise<EntityImport<EntityRow>> {
    return this.#loader.open(this.#table, target);
  }

  get key(): readonly string[] {
    return this.#table.key;
  }

  /**
   * A batch owns the rows it inserted (`batch_id`) until a later batch's file holds them again
   * (`seen_batch_id`, null until then). So a purge deletes the rows it inserted that no later
   * batch held; hands the rows it inserted that a later batch held to that batch (they stay, with
   * their current values); and drops its claim on rows it only updated or held (they stay, with
   * their current values, and go back to the batch that inserted them).
   */
  deleteBatch(target: BatchTarget, work: PurgeWork): Promise<number> {
    return this.#host.transaction(async (tx) => {
      await work.before?.(tx);
      const { db } = tx as unknown as SinkHost;
      // biome-ignore lint/suspicious/noExplicitAny: the table is chosen at run time.
      const any = db as Kysely<any>;
      const { name } = this.#table;
      const mine = (query: Dynamic) =>
        query.where('tenant_id', '=', target.tenantId).where('batch_id', '=', target.batchId);
      const result = await mine(any.deleteFrom(name)).where('seen_batch_id', 'is', null).executeTakeFirst();
      await mine(any.updateTable(name))
        .set((eb: Dynamic) => ({ batch_id: eb.ref('seen_batch_id'), seen_batch_id: null }))
        .execute();
      await any
        .updateTable(name)
        .set({ seen_batch_id: null })
        .where('tenant_id', '=', target.tenantId)
        .where('seen_batch_id', '=', target.batchId)
        .execute();
      const deleted = readInteger(result.numDeletedRows);
      await work.after(tx, deleted);
      return deleted;
    });
  }

  async previewPurge(target: BatchTarget): Promise<PurgePreview> {
    // biome-ignore lint/suspicious/noExplicitAny: the table is chosen at run time.
    const db = this.#host.db as Kysely<any>;
    const row = await db
      .selectFrom(this.#table.name)
      .select((eb) => [eb.fn.countAll().as('inserted'), eb.fn.count('seen_batch_id').as('keeps')])
      .where('tenant_id', '=', target.tenantId)
      .where('batch_id', '=', target.batchId)
      .executeTakeFirstOrThrow();
    const keeps = readInteger(row.keeps as number);
    return { removes: readInteger(row.inserted as number) - keeps, keeps };
  }

  /**
   * `written`: first the rows the batch changed (a re-import's updates), then the rows it inserted
   * and that no later batch changed; each a page at a time in id order. `missing`: the rows a
   * provider import lacks (`missingCondition`), as they are.
   */
  readBatch(
    tx: IntegrationStorage,
    target: BatchTarget,
    which: 'written' | 'purged' | 'kept' | 'missing',
  ): AsyncIterable<readonly EntityRow[]> {
    // biome-ignore lint/suspicious/noExplicitAny: the column list is chosen per table at run time.
    const db = (tx as unknown as SinkHost).db as Kysely<any>;
    const rows = (owner: string, where: (query: Dynamic) => Dynamic) =>
      this.#pages(
        (after) =>
          where(
            db
              .selectFrom(`${this.#table.name} as m`)
              .select(['id', owner, 'created_at', ...this.#table.columns])
              .where('tenant_id', '=', target.tenantId),
          )
            .where('id', '>', after)
            .orderBy('id')
            .limit(PAGE)
            .execute(),
        true,
      );
    const inserted = (query: Dynamic) => query.where('batch_id', '=', target.batchId);
    if (which === 'missing') {
      return rows('batch_id', (query) => query.where(missingCondition(target.tenantId, target.batchId)));
    }
    if (which === 'purged') return rows('batch_id', (query) => inserted(query).where('seen_batch_id', 'is', null));
    // Kept rows are read as they will be after the purge: owned by the batch that held them last.
    if (which === 'kept') {
      return rows('seen_batch_id as batch_id', (query) => inserted(query).where('seen_batch_id', 'is not', null));
    }
    const changed = rows('batch_id', (query) => query.where('changed_batch_id', '=', target.batchId));
    const added = rows('batch_id', (query) => inserted(query).where('changed_batch_id', 'is', null));
    return (async function* () {
      yield* changed;
      yield* added;
    })();
  }

  /** The tenant's rows, without those of a batch still running or failed (`visibleRow`). */
  readAll(tenantId: string): AsyncIterable<readonly EntityRow[]> {
    return this.#tenantPages(tenantId, ['id', 'batch_id', 'created_at', ...this.#table.columns], true);
  }

  read(tenantId: string): AsyncIterable<readonly EntityRow[]> {
    return this.#tenantPages(tenantId, ['id', ...this.#table.columns], false);
  }

  #tenantPages(tenantId: string, columns: readonly string[], keepId: boolean): AsyncIterable<readonly EntityRow[]> {
    // biome-ignore lint/suspicious/noExplicitAny: the column list is chosen per table at run time.
    const db = this.#host.db as Kysely<any>;
    return this.#pages(
      (after) =>
        db
          .selectFrom(this.#table.name)
          .select([...columns])
          .where('tenant_id', '=', tenantId)
          .where(visibleRow(tenantId))
          .where('id', '>', after)
          .orderBy('id')
          .limit(PAGE)
          .execute(),
      keepId,
    );
  }

  async count(tenantId: string): Promise<number> {
    const row = await this.#host.db
      .selectFrom(this.#table.name)
      .select((eb) => eb.fn.countAll().as('rows'))
      .where('tenant_id', '=', tenantId)
      .where(visibleRow(tenantId))
      .executeTakeFirstOrThrow();
    return readInteger(row.rows as number);
  }

  /** Keyset pages by id: no read transaction stays open between pages. */
  async *#pages(page: (after: number) => Promise<EntityRow[]>, keepId: boolean): AsyncIterable<readonly EntityRow[]> {
    let after = 0;
    for (;;) {
      const rows = await page(after);
      if (rows.length === 0) return;
      after = readInteger(rows[rows.length - 1]?.id as number);
      for (const row of rows) {
        if (keepId) row.id = readInteger(row.id as number);
        else delete row.id;
        for (const column of this.#table.integerColumns) {
          if (row[column] !== null) row[column] = readInteger(row[column] as number);
        }
      }
      yield rows;
      if (rows.length < PAGE) return;
    }
  }
}
