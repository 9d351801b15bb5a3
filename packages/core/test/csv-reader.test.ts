import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvFormatError, CsvReader } from '../src/batches/csv-reader.js';
import { chunked } from './data-manager-harness.js';

async function read(source: AsyncIterable<Uint8Array | string>) {
  const reader = new CsvReader();
  const records: string[][] = [];
  for await (const batch of reader.records(source)) records.push(...batch);
  return { records, reader };
}

/** RFC 4180 as spreadsheets write it: quotes only where needed, `"` doubled. */
function serialize(rows: string[][], newline: string): string {
  return rows
    .map((row) => row.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(','))
    .join(newline);
}

const cellText = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'Z', '1', ' ', ',', '"', '\n', '\r\n', 'é', '👕', '🧥', '\t', ';') }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

describe('CSV reader', () => {
  it('reads back any table, however the bytes are chunked, with CRLF or LF and with or without a BOM', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 4 })
          .chain((width) =>
            fc.array(fc.array(cellText, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 }),
          ),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        async (body, newline, bom, chunkSize) => {
          // A header of plain names, as real exports have, fixes the delimiter and the line break.
          const header = body[0]?.map((_, index) => `column${index}`) ?? [];
          // A lone empty cell is an empty line, which a reader cannot tell from a blank row.
          const rows = body.filter((row) => !(row.length === 1 && row[0] === ''));
          const text = `${bom ? '\uFEFF' : ''}${serialize([header, ...rows], newline)}${newline}`;
          const { records, reader } = await read(chunked(text, chunkSize));
          expect(records.filter((record) => !(record.length === 1 && record[0] === ''))).toEqual([header, ...rows]);
          expect(reader.quoteProblems).toEqual([]);
          expect(reader.bytesRead).toBe(Buffer.byteLength(text));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps quoted commas, line breaks, doubled quotes and emoji split across chunks', async () => {
    const text = '\uFEFFsku,name,description\r\nA-1,"Tee, blue","Line one\r\nLine ""two"" 👕"\r\nB-2,Mug ☕,\r\n';
    for (const size of [1, 2, 3, 5, 1024]) {
      const { records } = await read(chunked(text, size));
      expect(records.slice(0, 3)).toEqual([
        ['sku', 'name', 'description'],
        ['A-1', 'Tee, blue', 'Line one\r\nLine "two" 👕'],
        ['B-2', 'Mug ☕', ''],
      ]);
    }
  });

  it('takes the delimiter from the header line (semicolons from European spreadsheets, tabs)', async () => {
    expect((await read(chunked('sku;name;price\nA;"B; C";1,50\n'))).records.slice(0, 2)).toEqual([
      ['sku', 'name', 'price'],
      ['A', 'B; C', '1,50'],
    ]);
    expect((await read(chunked('sku\tname\nA\tB\n'))).records[1]).toEqual(['A', 'B']);
  });

  it("says which delimiter it took: the header line's most frequent one outside quotes, else a comma", async () => {
    const cases: [string, string][] = [
      ['sku;name;price\nA;B;9,99\n', ';'],
      ['sku,name,price\nA,"B;C;D",9.99\n', ','],
      ['"sku,x";"name,y";price\nA;B;1\n', ';'],
      ['a;b,c\n', ','], // a tie keeps the comma
      ['sku;name,price;stock\n', ';'],
      ['sku\tname\n', '\t'],
      ['sku|name\n', '|'],
      ['sku\nA\n', ','],
    ];
    for (const [text, delimiter] of cases) expect((await read(chunked(text))).reader.delimiter).toBe(delimiter);
  });

  it('reads old Mac line breaks and UTF-16 files with a byte order mark', async () => {
    expect((await read(chunked('a,b\r1,2\r'))).records.slice(0, 2)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('sku,name\nA,Café 👕\n', 'utf16le')]);
    expect((await read(chunked(utf16, 3))).records.slice(0, 2)).toEqual([
      ['sku', 'name'],
      ['A', 'Café 👕'],
    ]);
  });

  it('reports a quoted cell that never closes and a quote with text after it', async () => {
    const unterminated = await read(chunked('a,b\n1,"never closed\n2,3\n'));
    expect(unterminated.reader.quoteProblems).toEqual([{ record: 1, message: 'a quoted cell is never closed' }]);
    const trailing = await read(chunked('a,b\n"x"y,2\n'));
    expect(trailing.reader.quoteProblems[0]).toMatchObject({ record: 1 });
  });

  it('decodes any bytes, however chunked, exactly as a fatal TextDecoder does, or refuses them', async () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 6 }).map((text) => Buffer.from(text)),
      fc.uint8Array({ maxLength: 6 }),
      fc.constantFrom(Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xf0, 0x9f]), Buffer.from([0xed, 0xa0, 0x80])),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat(2),
        fc.array(piece, { maxLength: 8 }),
        fc.integer({ min: 1, max: 9 }),
        async (boms, pieces, size) => {
          const bytes = Buffer.concat([Buffer.from(`${'\uFEFF'.repeat(boms)}v\n`), ...pieces]);
          let text: string | undefined;
          try {
            text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
          } catch {
            text = undefined;
          }
          if (text === undefined) {
            await expect(read(chunked(bytes, size))).rejects.toThrow(/not UTF-8/);
          } else {
            const decoded = await read(chunked(bytes, size));
            const expected = await read(
              (async function* () {
                yield text;
              })(),
            );
            // Chunk ends may add empty lines (blank records, skipped by imports), nothing else.
            const filled = (records: string[][]) =>
              records.filter((record) => !(record.length === 1 && record[0] === ''));
            expect(filled(decoded.records)).toEqual(filled(expected.records));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses text that is not UTF-8, and a record longer than the limit, without buffering the file', async () => {
    const latin1 = Buffer.from('sku,name\nA,Caf\xe9\n', 'latin1');
    await expect(read(chunked(latin1))).rejects.toThrow(CsvFormatError);
    await expect(read(chunked(latin1))).rejects.toThrow(/not UTF-8/);
    const runaway = `a,b\n1,"${'x'.repeat(3000)}`;
    const reader = new CsvReader({ maxRecordChars: 1000 });
    await expect(
      (async () => {
        for await (const _ of reader.records(chunked(runaway, 100))) {
          // read to the end
        }
      })(),
    ).rejects.toThrow(/row 2 is longer than 1000 characters/i);
  });
});
