/**
 * The staging half of an SQLite import, run on a worker thread so that inserting the staged rows
 * overlaps with parsing and validating the next ones on the main thread. It writes to a file
 * database of its own (no journal, no fsync: it is thrown away on any failure); the commit then
 * attaches that file to the import connection and merges it into the real table.
 *
 * The code is a plain CommonJS string (not a compiled function) so bundlers cannot rewrite it, and
 * it loads better-sqlite3 from the path the main thread resolved, whatever the working folder.
 *
 * Protocol: `{ type: 'rows', json }` (a flat JSON array of whole rows' values) → `{ type: 'ack' }`;
 * `{ type: 'end' }` → `{ type: 'done' }` once committed and closed; any failure → `{ type: 'error', message }`.
 */
export const STAGING_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { path, columns, integerColumns, rowsPerInsert, cacheKiB } = workerData;
let db;
try {
  db = new Database(path);
  // Large pages: the file is written once from start to end and read once in order, so fewer,
  // larger pages mean less per-page work for both (the database's own page size does not matter).
  db.pragma('page_size = 65536');
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -' + cacheKiB);
  // Whole-number columns are declared INTEGER, so the numbers (bound as doubles) are stored as
  // integers here, on this thread, and not converted by the copy while the database is locked.
  const declare = (column) => '"' + column + '"' + (integerColumns.includes(column) ? ' INTEGER' : '');
  db.exec('CREATE TABLE staging (' + columns.map(declare).join(', ') + ')');
  db.exec('BEGIN');
} catch (error) {
  parentPort.postMessage({ type: 'error', message: String((error && error.message) || error) });
}
const tuple = '(' + columns.map(() => '?').join(', ') + ')';
const insert = (rows) => db.prepare('INSERT INTO staging VALUES ' + new Array(rows).fill(tuple).join(', '));
const many = db && insert(rowsPerInsert);
const width = rowsPerInsert * columns.length;
parentPort.on('message', (message) => {
  try {
    if (message.type === 'rows') {
      const values = JSON.parse(message.json);
      let offset = 0;
      for (; offset + width <= values.length; offset += width) many.run(values.slice(offset, offset + width));
      if (offset < values.length) insert((values.length - offset) / columns.length).run(values.slice(offset));
      parentPort.postMessage({ type: 'ack' });
    } else if (message.type === 'end') {
      db.exec('COMMIT');
      db.close();
      parentPort.postMessage({ type: 'done' });
    }
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String((error && error.message) || error) });
  }
});
`;
