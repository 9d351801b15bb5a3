// Child process: the PostgreSQL ceiling: the CSV file piped straight into `COPY … FROM STDIN
// (FORMAT csv)` of a table without indexes: the server parses, nothing validates.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const [url, csvPath] = process.argv.slice(2);
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query(
  'CREATE TABLE raw_products (sku text, name text, price text, currency text, category text, stock text, barcode text, description text)',
);
const started = performance.now();
const copy = client.query(copyFrom('COPY raw_products FROM STDIN (FORMAT csv, HEADER true)'));
await pipeline(createReadStream(csvPath, { highWaterMark: 1 << 16 }), copy);
const seconds = (performance.now() - started) / 1000;
await client.end();
console.log(JSON.stringify({ rows: copy.rowCount, seconds }));
