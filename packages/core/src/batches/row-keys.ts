import { type EntityDefinition, type EntityRow, identifier, keyText, type RowIdentity } from './entities.js';

/** A row that repeats an earlier row's identity within one file. */
export interface RepeatedRow {
  identity: RowIdentity;
  /** The spreadsheet row number of the earlier row. */
  first: number;
}

/**
 * The identities of the rows of one import, with the row number each came from: finds two rows of
 * one file that are the same record, and the rows behind the keys an `insert_only` import finds
 * existing. Holds one entry per row (a million-row file: tens of MiB, for as long as the import runs).
 */
export class RowKeys {
  readonly #identify: ((row: EntityRow) => RowIdentity | undefined) | undefined;
  readonly #rows = new Map<string, number>();
  /** The column of the file the key is read from, once a row had one. */
  keyColumn: string | undefined;
  /** The file's name for a field (the CSV reader sets it once it knows the file's format). */
  columnOf: (field: string) => string = (field) => field;

  constructor(entity: EntityDefinition) {
    this.#identify = identifier(entity);
  }

  /** Records `row`, read from spreadsheet row `rowNumber`; the earlier row when it repeats one. */
  add(row: EntityRow, rowNumber: number): RepeatedRow | undefined {
    const identity = this.#identify?.(row);
    if (!identity) return undefined;
    if (identity.match === 'key') this.keyColumn ??= identity.column;
    const key = identity.match === 'key' ? identity.value : `\u0000${identity.column}\u0000${identity.value}`;
    const first = this.#rows.get(key);
    if (first !== undefined) return { identity, first };
    this.#rows.set(key, rowNumber);
    return undefined;
  }

  /** The row number of the row whose sink key had `values`. */
  rowOf(values: readonly unknown[]): number | undefined {
    return this.#rows.get(keyText(values));
  }
}

/** How a repeated row is reported: both row numbers and the value they share. */
export function repeatedMessage(repeated: RepeatedRow): string {
  const { column, value, match } = repeated.identity;
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  const same = `has the same ${column} as row ${repeated.first} ("${shown}")`;
  return match === 'key'
    ? `${same}: a file may hold each ${column} once`
    : `${same}, and rows without an id are matched by it: give each row its own id`;
}
