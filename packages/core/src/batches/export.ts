import { csvLine } from './csv-writer.js';
import type { EntityDefinition, EntityRow } from './entities.js';

export interface CsvExport {
  filename: string;
  /** The CSV text: a byte order mark and our header, then the rows a page at a time. */
  chunks: AsyncIterable<string>;
}

/**
 * Every row of one entity type of the tenant as CSV in our own format (what an upload reads
 * back). `onRows` hears how many rows have been turned into text so far, a page at a time.
 */
export function exportRows(
  entity: EntityDefinition,
  tenantId: string,
  options: { onRows?(rows: number): void } = {},
): CsvExport {
  const format = entity.format ?? ((row: EntityRow) => row as Record<string, unknown>);
  async function* chunks(): AsyncGenerator<string> {
    yield `\uFEFF${csvLine(entity.columns)}`;
    let written = 0;
    for await (const rows of entity.sink.read(tenantId)) {
      let text = '';
      for (const row of rows) {
        const cells = format(row);
        text += csvLine(entity.columns.map((column) => cells[column]));
      }
      written += rows.length;
      options.onRows?.(written);
      yield text;
    }
  }
  return { filename: `${entity.type}.csv`, chunks: chunks() };
}
