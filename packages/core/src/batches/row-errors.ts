import { IntegrationError } from '../errors.js';
import type { BatchRowError, ExistingKeys, RepeatedKey, RepeatedKeys } from '../storage/batches.js';
import type { ImportRows } from './row-numbers.js';

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
export function existingRows(error: ExistingKeys, rows: ImportRows): IntegrationError {
  const errors = new RowErrors();
  const column = rows.columnOf(error.column);
  const numbers = error.rows
    .map((position) => rows.rowOf(position))
    .filter((row): row is number => row !== undefined)
    .sort((a, b) => a - b);
  const message = 'already exists: this import only inserts (mode insert_only); use mode upsert to update it';
  for (const row of numbers) errors.add({ row, column, message });
  if (errors.count === 0) {
    return new IntegrationError('BATCH_FAILED', `${error.count} rows already exist; nothing was imported.`);
  }
  errors.count = Math.max(errors.count, error.count);
  return new InvalidRows(errors);
}

/** Rows of one file that are the same record, as row errors naming both rows. */
export function repeatedRows(error: RepeatedKeys, rows: ImportRows): IntegrationError {
  const errors = new RowErrors();
  for (const repeat of error.repeats) {
    const row = rows.rowOf(repeat.row);
    const first = rows.rowOf(repeat.first);
    if (row === undefined || first === undefined) continue;
    errors.add({ row, column: rows.columnOf(repeat.column), message: repeatedMessage(repeat, first, rows) });
  }
  if (errors.count === 0) {
    return new IntegrationError('BATCH_FAILED', `${error.count} rows repeat an earlier row; nothing was imported.`);
  }
  errors.count = Math.max(errors.count, error.count);
  return new InvalidRows(errors);
}

/** How a repeated row is reported: the earlier row's number and the value they share. */
function repeatedMessage(repeat: RepeatedKey, first: number, rows: ImportRows): string {
  const { value, match } = repeat;
  const column = rows.columnOf(repeat.column);
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  const same = `has the same ${column} as row ${first} ("${shown}")`;
  return match === 'key'
    ? `${same}: a file may hold each ${column} once`
    : `${same}, and rows without an id are matched by it: give each row its own id`;
}
