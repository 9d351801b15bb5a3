import { strings } from '../strings.js';
import type { DataBatch } from './data-manager-client.js';

/** Whether the server is still working on a batch. */
export const isRunning = (batch: DataBatch) => batch.status === 'processing' || batch.status === 'pending';

/** A row count in the reader's locale. */
export const count = (value: number) => new Intl.NumberFormat().format(value);

/** A provider's name by its id (`square` → `Square`), as the server describes it. */
export type SourceName = (provider: string) => string;

/** "Sample data · Customers", "Import · Products", "Square import · Products", … */
export const kindOf = (batch: DataBatch, sourceName: SourceName = (id) => id) =>
  batch.type === 'provider_import' && batch.source
    ? strings.providerImportKind(sourceName(batch.source), strings.entityName(batch.entity_type))
    : strings.batchKind(batch.type, strings.entityName(batch.entity_type));

/** Newest first, as the server lists them (ids are time ordered). */
export const newestFirst = (a: DataBatch, b: DataBatch) =>
  b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id);

/**
 * "3 new · 1 updated · 6 unchanged" for a completed seed or import, and for a provider import
 * "· 2 no longer at Square" (or "· 2 removed"); empty otherwise.
 */
export function countsOf(batch: DataBatch, sourceName: SourceName = (id) => id): string {
  if (batch.inserted_count === null || batch.updated_count === null || batch.unchanged_count === null) return '';
  const split = strings.batchCounts(
    count(batch.inserted_count),
    count(batch.updated_count),
    count(batch.unchanged_count),
  );
  if (batch.missing_count === null || !batch.source) return split;
  const missing = batch.remove_missing
    ? strings.batchRemoved(count(batch.missing_count), sourceName(batch.source))
    : strings.batchMissing(count(batch.missing_count), sourceName(batch.source));
  return `${split} · ${missing}`;
}

/** Whether a completed provider import found rows its provider no longer has. */
export const hasMissing = (batch: DataBatch) => batch.status === 'completed' && (batch.missing_count ?? 0) > 0;

/** What the notice line says of a batch: started, completed with its counts, or failed. */
export function noticeOf(batch: DataBatch, sourceName: SourceName): string {
  const kind = kindOf(batch, sourceName);
  if (isRunning(batch)) return strings.batchStarted(kind);
  if (batch.status !== 'completed') return strings.batchFailed(kind);
  const split = countsOf(batch, sourceName);
  return `${strings.batchCompleted(kind, count(batch.record_count))}${split ? ` ${split}.` : ''}`;
}

export function isBatch(value: unknown): value is DataBatch {
  return typeof value === 'object' && value !== null && typeof (value as DataBatch).id === 'string';
}
