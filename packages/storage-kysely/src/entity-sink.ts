import type {
  BatchTarget,
  EntityImport,
  EntitySink,
  ImportTarget,
  IntegrationStorage,
  PurgeWork,
} from '@pos/integrations-core';
import type { Kysely } from 'kysely';
import { readInteger } from './numbers.js';
import type { IntegrationsDatabase } from './schema.js';

/** A Data Manager table: its name and the row columns a sink writes besides the bookkeeping ones. */
export interface EntityTable {
  name: 'products' | 'customers';
  /** In CSV and insert order. Every row also gets `tenant_id`, `batch_id` and `created_at`. */
  columns: readonly string[];
  /** Columns read back as numbers (Postgres returns `bigint` as text). */
  integerColumns: readonly string[];
}

export const ENTITY_TABLES: Record<EntityTable['name'], EntityTable> = {
  products: {
    name: 'products',
    columns: ['sku', 'name', 'price', 'currency', 'category', 'stock', 'barcode', 'description'],
    integerColumns: ['price', 'stock'],
  },
  customers: {
    name: 'customers',
    columns: ['name', 'email', 'phone', 'company', 'address_line1', 'city', 'region', 'postal_code', 'country'],
    integerColumns: [],
  },
};

export type EntityRow = Record<string, unknown>;

/**
 * The dialect-specific half of a sink: how rows get into a table in bulk without blocking the
 * storage's other queries. SQLite stages rows on a connection of its own; Postgres would `COPY`.
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
  constructor(
    private readonly host: SinkHost,
    private readonly table: EntityTable,
    private readonly loader: BulkLoader,
  ) {}

  open(target: ImportTarget): Promise<EntityImport<EntityRow>> {
    return this.loader.open(this.table, target);
  }

  deleteBatch(target: BatchTarget, work: PurgeWork): Promise<number> {
    return this.host.transaction(async (tx) => {
      await work.before?.(tx);
      const { db } = tx as unknown as SinkHost;
      const result = await db
        .deleteFrom(this.table.name)
        .where('tenant_id', '=', target.tenantId)
        .where('batch_id', '=', target.batchId)
        .executeTakeFirst();
      const deleted = readInteger(result.numDeletedRows);
      await work.after(tx, deleted);
      return deleted;
    });
  }

  readBatch(tx: IntegrationStorage, target: BatchTarget): AsyncIterable<readonly EntityRow[]> {
    // biome-ignore lint/suspicious/noExplicitAny: the column list is chosen per table at run time.
    const db = (tx as unknown as SinkHost).db as Kysely<any>;
    return this.#pages(
      (after) =>
        db
          .selectFrom(this.table.name)
          .select(['id', 'batch_id', 'created_at', ...this.table.columns])
          .where('tenant_id', '=', target.tenantId)
          .where('batch_id', '=', target.batchId)
          .where('id', '>', after)
          .orderBy('id')
          .limit(PAGE)
          .execute(),
      true,
    );
  }

  readOthersSharingKey(
    tx: IntegrationStorage,
    target: BatchTarget,
    key: readonly string[],
  ): AsyncIterable<readonly EntityRow[]> {
    const { name, columns } = this.table;
    const unknown = key.filter((column) => column !== 'id' && !columns.includes(column));
    if (unknown.length > 0) throw new Error(`${name} has no column ${unknown.join(', ')}`);
    // biome-ignore lint/suspicious/noExplicitAny: the column list is chosen per table at run time.
    const db = (tx as unknown as SinkHost).db as Kysely<any>;
    return this.#pages(
      (after) =>
        db
          .selectFrom(`${name} as other`)
          .select(['other.id', 'other.batch_id', 'other.created_at', ...columns.map((column) => `other.${column}`)])
          .where('other.tenant_id', '=', target.tenantId)
          .where('other.batch_id', '!=', target.batchId)
          .where('other.id', '>', after)
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom(`${name} as mine`)
                .select('mine.id')
                .where('mine.tenant_id', '=', target.tenantId)
                .where('mine.batch_id', '=', target.batchId)
                .where((inner) =>
                  inner.and(key.map((column) => inner(`mine.${column}`, '=', inner.ref(`other.${column}`)))),
                ),
            ),
          )
          .orderBy('other.id')
          .limit(PAGE)
          .execute(),
      true,
    );
  }

  readAll(tenantId: string): AsyncIterable<readonly EntityRow[]> {
    return this.#tenantPages(tenantId, ['id', 'batch_id', 'created_at', ...this.table.columns], true);
  }

  read(tenantId: string): AsyncIterable<readonly EntityRow[]> {
    return this.#tenantPages(tenantId, ['id', ...this.table.columns], false);
  }

  #tenantPages(tenantId: string, columns: readonly string[], keepId: boolean): AsyncIterable<readonly EntityRow[]> {
    // biome-ignore lint/suspicious/noExplicitAny: the column list is chosen per table at run time.
    const db = this.host.db as Kysely<any>;
    return this.#pages(
      (after) =>
        db
          .selectFrom(this.table.name)
          .select([...columns])
          .where('tenant_id', '=', tenantId)
          .where('id', '>', after)
          .orderBy('id')
          .limit(PAGE)
          .execute(),
      keepId,
    );
  }

  async count(tenantId: string): Promise<number> {
    const row = await this.host.db
      .selectFrom(this.table.name)
      .select((eb) => eb.fn.countAll().as('rows'))
      .where('tenant_id', '=', tenantId)
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
        for (const column of this.table.integerColumns) {
          if (row[column] !== null) row[column] = readInteger(row[column] as number);
        }
      }
      yield rows;
      if (rows.length < PAGE) return;
    }
  }
}
