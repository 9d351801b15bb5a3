import type { CataloguePage } from '../catalogue/capability.js';
import type { EntityImport } from '../storage/batches.js';
import type { EntityDefinition, EntityRow } from './entities.js';
import { rowValidator } from './fields.js';
import { InvalidRows, RowErrors } from './row-errors.js';
import type { ImportRows } from './row-numbers.js';
import type { Progress } from './runner.js';

/** What reading a provider's pages needs: where the rows go and what it records on the way. */
export interface ProviderRowsImport {
  entity: EntityDefinition;
  /** What the provider is called, for messages. */
  providerName: string;
  /** Where each written row came from (its position in the provider's order and its object id). */
  rows: ImportRows;
  progress: Progress;
  signal: AbortSignal;
  importer: EntityImport<EntityRow>;
}

/**
 * Validates every row of a provider's pages like a row of an upload in our own format, and
 * writes while every row so far is valid; keeps reading after a bad row to report them all.
 * Row errors name the provider's object id. Returns how many rows were written; throws
 * {@link InvalidRows} when any row is bad.
 */
export async function readProviderPages(pages: AsyncIterable<CataloguePage>, run: ProviderRowsImport): Promise<number> {
  const { entity, progress, signal, importer } = run;
  const validate = rowValidator(entity.schema);
  const errors = new RowErrors();
  let position = 0;
  let written = 0;
  for await (const page of pages) {
    signal.throwIfAborted();
    if (page.total !== undefined && Number.isSafeInteger(page.total) && page.total >= 0) progress.total = page.total;
    const rows: EntityRow[] = [];
    for (const { ref, fields } of page.rows) {
      position += 1;
      progress.processed += 1;
      const parsed = validate(fields);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const field = issue.path.length > 0 ? String(issue.path[0]) : null;
          errors.add({ row: position, ref, column: field, message: issue.message });
        }
      } else if (errors.count === 0) {
        rows.push(parsed.data);
        run.rows.add(position, ref);
      }
    }
    if (errors.count === 0 && rows.length > 0) {
      await importer.write(rows);
      written += rows.length;
    }
  }
  signal.throwIfAborted();
  if (errors.count > 0) throw new InvalidRows(errors);
  return written;
}
