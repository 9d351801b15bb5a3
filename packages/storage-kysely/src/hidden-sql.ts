import { type RawBuilder, sql } from 'kysely';

/**
 * The ids of the tenant's batches whose inserted rows are not to be read: `pending`,
 * `processing` and `failed` ones. An import whose rows were all or nothing in one transaction
 * leaves none of them in a table before it completes, but the SQLite loader writes the new rows
 * of an import in slices of their own, committed one after the other while the server goes on
 * answering; they stay hidden until the batch completes, which shows them all at once. Rows of a
 * batch that then failed (or was taken for dead) stay hidden until removed.
 */
export function hiddenBatchIds(tenantId: string): RawBuilder<unknown> {
  return sql`(SELECT b.id FROM data_batches AS b
    WHERE b.tenant_id = ${tenantId} AND b.status IN ('pending', 'processing', 'failed'))`;
}

/** A row of a Data Manager table, aliased or not, that readers see (see {@link hiddenBatchIds}). */
export function visibleRow(tenantId: string, alias?: string): RawBuilder<boolean> {
  const column = alias ? sql.ref(`${alias}.batch_id`) : sql.ref('batch_id');
  return sql<boolean>`${column} NOT IN ${hiddenBatchIds(tenantId)}`;
}
