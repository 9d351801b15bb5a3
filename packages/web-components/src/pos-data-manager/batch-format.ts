import { strings } from '../strings.js';
import type { DataBatch } from './data-manager-client.js';

/** Whether the server is still working on a batch. */
export const isRunning = (batch: DataBatch) => batch.status === 'processing' || batch.status === 'pending';

/** A row count in the reader's locale. */
export const count = (value: number) => new Intl.NumberFormat().format(value);

/** "Sample data · Customers", "CSV import · Products", … */
export const kindOf = (batch: DataBatch) => strings.batchKind(batch.type, strings.entityName(batch.entity_type));

/** Newest first, as the server lists them (ids are time ordered). */
export const newestFirst = (a: DataBatch, b: DataBatch) =>
  b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id);

/** "3 new · 1 updated · 6 unchanged" for a completed seed or import; empty otherwise. */
export function countsOf(batch: DataBatch): string {
  if (batch.inserted_count === null || batch.updated_count === null || batch.unchanged_count === null) return '';
  return strings.batchCounts(count(batch.inserted_count), count(batch.updated_count), count(batch.unchanged_count));
}

export function isBatch(value: unknown): value is DataBatch {
  return typeof value === 'object' && value !== null && typeof (value as DataBatch).id === 'string';
}
