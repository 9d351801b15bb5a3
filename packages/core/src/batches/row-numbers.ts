/**
 * Where the rows written to one import came from: the spreadsheet row number of each, by its
 * position in the import (the order rows were written), so what the sink reports by position
 * (a repeated key, a key that exists) can name the rows of the file. Four bytes a row; a
 * provider import also keeps each row's object id (`ref`), which its errors name instead.
 */
export class ImportRows {
  #numbers = new Int32Array(4096);
  #length = 0;
  #refs: string[] | undefined;
  /** The file's name for a field (the CSV reader sets it once it knows the file's format). */
  columnOf: (field: string) => string = (field) => field;

  /** Records that the next row written came from spreadsheet row `rowNumber` (or provider object `ref`). */
  add(rowNumber: number, ref?: string): void {
    if (ref !== undefined) {
      this.#refs ??= [];
      // A copy: a parser may hand out ids cut from its whole response text (the Square SDK's
      // JSON parser does), and keeping such a cut keeps the whole page in memory until the
      // import ends (about 90 MiB for a 100,000-variation catalogue, measured with
      // bench/provider-import).
      this.#refs[this.#length] = structuredClone(ref);
    }
    if (this.#length === this.#numbers.length) {
      const grown = new Int32Array(this.#numbers.length * 2);
      grown.set(this.#numbers);
      this.#numbers = grown;
    }
    this.#numbers[this.#length++] = rowNumber;
  }

  /** The provider's object id of the row written at `position`, for a provider import. */
  refOf(position: number): string | undefined {
    return this.#refs?.[position];
  }

  /** The spreadsheet row number of the row written at `position`. */
  rowOf(position: number): number | undefined {
    return Number.isInteger(position) && position >= 0 && position < this.#length ? this.#numbers[position] : undefined;
  }
}
