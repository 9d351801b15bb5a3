// Child process: the naive loop a developer writes first: csv-parse's stream and one prepared
// better-sqlite3 INSERT per row, in one transaction, into the same products table.
import { createReadStream } from 'node:fs';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse';

const [dbPath, csvPath] = process.argv.slice(2);
const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const insert = db.prepare(
  `INSERT INTO products (tenant_id, batch_id, sku, name, price, currency, category, stock, barcode, description, created_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const now = new Date().toISOString();
const started = performance.now();
let rows = 0;
db.exec('BEGIN');
for await (const row of createReadStream(csvPath).pipe(parse({ columns: true }))) {
  insert.run(
    'bench-tenant',
    'naive-batch',
    row.sku,
    row.name,
    Math.round(Number(row.price) * 100),
    row.currency,
    row.category,
    Number(row.stock),
    row.barcode,
    row.description,
    now,
  );
  rows += 1;
}
db.exec('COMMIT');
const seconds = (performance.now() - started) / 1000;
db.close();
console.log(JSON.stringify({ rows, seconds, maxRssKiB: process.resourceUsage().maxRSS }));
