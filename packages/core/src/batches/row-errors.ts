import { IntegrationError } from '../errors.js';
import type { BatchRowError, ExistingKeys } from '../storage/batches.js';
import type { RowKeys } from './row-keys.js';

export const MAX_ROW_ERRORS = 100;

/** A batch's row errors: the first {@link MAX_ROW_ERRORS} kept, all of them counted. */
export class RowErrors {
  readonly first: BatchRowError[] = [];
  count = 0;

  add(error: BatchRowError): void {
    this.count += 1;
    if (this.first.length < MAX_ROW_ERRORS) this.first.push(error);
  }
}

/** An upload with invalid rows: nothing was written; the batch lists the problems. */
export class InvalidRows extends IntegrationError {
  constructor(readonly rowErrors: RowErrors) {
    const first = rowErrors.first[0] as BatchRowError;
    const where = first.column ? `row ${first.row}, ${first.column}` : `row ${first.row}`;
    const problems = rowErrors.count === 1 ? '1 problem' : `${rowErrors.count} problems`;
    super('BATCH_FAILED', `The file has ${problems}; nothing was imported. First: ${where} ${first.message}.`);
  }
}

/** An `insert_only` import's rows whose keys exist, as row errors naming the rows of the file. */
export function existingRows(error: ExistingKeys, keys: RowKeys): IntegrationError {
  const errors = new RowErrors();
  const column = keys.keyColumn === undefined ? null : keys.columnOf(keys.keyColumn);
  const rows = error.keys
    .map((values) => keys.rowOf(values))
    .filter((row): row is number => row !== undefined)
    .sort((a, b) => a - b);
  const message = 'already exists: this import only inserts (mode insert_only); use mode upsert to update it';
  for (const row of rows) errors.add({ row, column, message });
  if (errors.count === 0) {
    return new IntegrationError('BATCH_FAILED', `${error.count} rows already exist; nothing was imported.`);
  }
  errors.count = Math.max(errors.count, error.count);
  return new InvalidRows(errors);
}
