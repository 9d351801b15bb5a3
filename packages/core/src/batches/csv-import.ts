import { IntegrationError } from '../errors.js';
import type { EntityImport } from '../storage/batches.js';
import { CsvReader, isBlankRecord } from './csv-reader.js';
import type { EntityDefinition, EntityRow } from './entities.js';
import { rowValidator, schemaForDecimal } from './fields.js';
import type { DecimalMark } from './money.js';
import { detectPreset, Header, otherExportsText, type RowMapper, RowProblem, requirePreset } from './presets/index.js';
import { InvalidRows, RowErrors } from './row-errors.js';
import type { ImportRows } from './row-numbers.js';
import type { Progress } from './runner.js';

/** The file an upload reads and how to read it. */
export interface CsvFile {
  source: AsyncIterable<Uint8Array | string>;
  preset?: string;
  decimal?: DecimalMark;
}

/** What reading a file needs beside the file: where its rows go and what it records on the way. */
export interface CsvImport {
  entity: EntityDefinition;
  /** Values for the columns a file may leave out (its currency). */
  defaults: Record<string, string>;
  /** Where each written row came from. */
  rows: ImportRows;
  progress: Progress;
  signal: AbortSignal;
  importer: EntityImport<EntityRow>;
}

/** Stops waiting on a source when the batch is aborted (a stalled request must not pin the batch). */
async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  // A listener per chunk, removed once the chunk arrives: racing every chunk against one
  // long-lived promise would keep each chunk reachable from that promise until the end.
  const next = () =>
    new Promise<IteratorResult<T>>((resolve, reject) => {
      signal.throwIfAborted();
      const stop = () => reject(signal.reason);
      signal.addEventListener('abort', stop, { once: true });
      iterator.next().then(
        (result) => {
          signal.removeEventListener('abort', stop);
          resolve(result);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', stop);
          reject(error);
        },
      );
    });
  let finished = false;
  try {
    for (;;) {
      const result = await next();
      if (result.done) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    // Closes the source (a stream is destroyed). Not awaited: a source stuck in an await only
    // handles `return` once it gets unstuck, which may be never.
    if (!finished) iterator.return?.()?.catch(() => undefined);
  }
}

/**
 * Reads, maps and validates every row of a CSV file; writes while the file is clean, keeps
 * counting problems after. Returns how many rows were written; throws {@link InvalidRows} when
 * any row is bad.
 */
export async function readCsv(file: CsvFile, run: CsvImport): Promise<number> {
  const { entity, progress, signal, importer } = run;
  const reader = new CsvReader();
  let validate = rowValidator(entity.schema);
  const errors = new RowErrors();
  let mapper: RowMapper | undefined;
  let width = 0;
  let row = 0; // the spreadsheet row number: the header is row 1
  let written = 0;
  let quotesSeen = 0;

  for await (const records of reader.records(abortable(file.source, signal))) {
    const rows: EntityRow[] = [];
    for (const cells of records) {
      row += 1;
      if (isBlankRecord(cells)) continue;
      if (!mapper) {
        const opened = openPreset(new Header(cells), file.preset, run);
        mapper = opened;
        run.rows.columnOf = (field) => opened.columnOf(field) ?? field;
        validate = rowValidator(schemaForDecimal(entity.schema, decimalOf(file, reader)));
        width = cells.length;
        continue;
      }
      progress.processed += 1;
      if (cells.length !== width) {
        errors.add({ row, column: null, message: `has ${cells.length} cells where the header has ${width}` });
        continue;
      }
      let input: ReturnType<RowMapper['map']>;
      try {
        input = mapper.map(cells);
      } catch (error) {
        if (!(error instanceof RowProblem)) throw error;
        errors.add({ row, column: error.column, message: error.message });
        continue;
      }
      if (input === null) continue;
      const parsed = validate(input);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const field = issue.path.length > 0 ? String(issue.path[0]) : null;
          errors.add({
            row,
            column: field === null ? null : (mapper.columnOf(field) ?? field),
            message: issue.message,
          });
        }
      } else if (errors.count === 0) {
        // Two rows that are the same record are found by the sink, which sees every row anyway.
        rows.push(parsed.data);
        run.rows.add(row);
      }
    }
    for (; quotesSeen < reader.quoteProblems.length; quotesSeen++) {
      const problem = reader.quoteProblems[quotesSeen] as { record: number; message: string };
      errors.add({ row: problem.record + 1, column: null, message: problem.message });
    }
    // Once a row is bad nothing more is written (the import is discarded at the end), but the
    // rest of the file is still read so the batch can report every problem.
    if (errors.count === 0 && rows.length > 0) {
      await importer.write(rows);
      written += rows.length;
    }
    progress.bytesRead = reader.bytesRead;
    signal.throwIfAborted();
  }
  if (!mapper) {
    throw new IntegrationError('BATCH_FAILED', 'The file is empty: it needs a header row and data rows.');
  }
  if (errors.count > 0) throw new InvalidRows(errors);
  if (written === 0) throw new IntegrationError('BATCH_FAILED', `The file has no ${entity.type} to import.`);
  return written;
}

/** The named preset, or the one the header matches, opened on the header; row 1's problems otherwise. */
function openPreset(header: Header, presetId: string | undefined, run: CsvImport): RowMapper {
  const { entity, defaults, progress } = run;
  const preset = presetId !== undefined ? requirePreset(presetId, entity) : detectPreset(header, entity);
  if (!preset) {
    const errors = new RowErrors();
    errors.add({
      row: 1,
      column: null,
      message: `matches no known format: expected our columns (${entity.requiredColumns.join(', ')}, …)${otherExportsText(entity)}`,
    });
    throw new InvalidRows(errors);
  }
  progress.preset = preset.id;
  const opening = preset.open(header, { entity, defaults });
  if ('errors' in opening) {
    const errors = new RowErrors();
    for (const error of opening.errors) errors.add(error);
    throw new InvalidRows(errors);
  }
  progress.unknownColumns = opening.unknownColumns;
  return opening.mapper;
}

/** The request's decimal mark, else a comma for files separated by semicolons, else a point. */
function decimalOf(file: CsvFile, reader: CsvReader): DecimalMark {
  return file.decimal ?? (reader.delimiter === ';' ? 'comma' : 'point');
}
