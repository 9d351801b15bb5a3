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

/**
 * An import with invalid rows: nothing was written; the batch lists the problems. A provider
 * import's rows are named by the provider's object id.
 */
export class InvalidRows extends IntegrationError {
  constructor(readonly rowErrors: RowErrors) {
    const first = rowErrors.first[0] as BatchRowError;
    const row = first.ref !== undefined ? first.ref : `row ${first.row}`;
    const where = first.column ? `${row}, ${first.column}` : row;
    const problems = rowErrors.count === 1 ? '1 problem' : `${rowErrors.count} problems`;
    const what = first.ref !== undefined ? "The provider's catalogue" : 'The file';
    super('BATCH_FAILED', `${what} has ${problems}; nothing was imported. First: ${where} ${first.message}.`);
  }
}

/** A row error at `position` of an import: its row number, and its object id for a provider import. */
function at(rows: ImportRows, position: number): { row: number; ref?: string } | undefined {
  const row = rows.rowOf(position);
  if (row === undefined) return undefined;
  const ref = rows.refOf(position);
  return ref === undefined ? { row } : { row, ref };
}

/** An `insert_only` import's rows whose keys exist, as row errors naming the rows of the file. */
export function existingRows(error: ExistingKeys, rows: ImportRows): IntegrationError {
  const errors = new RowErrors();
  const column = rows.columnOf(error.column);
  const found = error.rows
    .map((position) => at(rows, position))
    .filter((place) => place !== undefined)
    .sort((a, b) => a.row - b.row);
  const message = 'already exists: this import only inserts (mode insert_only); use mode upsert to update it';
  for (const place of found) errors.add({ ...place, column, message });
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
    const place = at(rows, repeat.row);
    const first = at(rows, repeat.first);
    if (place === undefined || first === undefined) continue;
    errors.add({ ...place, column: rows.columnOf(repeat.column), message: repeatedMessage(repeat, first, rows) });
  }
  if (errors.count === 0) {
    return new IntegrationError('BATCH_FAILED', `${error.count} rows repeat an earlier row; nothing was imported.`);
  }
  errors.count = Math.max(errors.count, error.count);
  return new InvalidRows(errors);
}

/** How a repeated row is reported: the earlier row's number and the value they share. */
function repeatedMessage(repeat: RepeatedKey, first: { row: number; ref?: string }, rows: ImportRows): string {
  const { value, match } = repeat;
  const column = rows.columnOf(repeat.column);
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  if (first.ref !== undefined) {
    return `has the same ${column} as ${first.ref} ("${shown}"): give each of them its own ${column} at the provider`;
  }
  const same = `has the same ${column} as row ${first.row} ("${shown}")`;
  return match === 'key'
    ? `${same}: a file may hold each ${column} once`
    : `${same}, and rows without an id are matched by it: give each row its own id`;
}
