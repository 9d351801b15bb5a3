// Child process: the baseline for purge: one indexed DELETE of a batch's rows.
import Database from 'better-sqlite3';

const [dbPath, batchId] = process.argv.slice(2);
const db = new Database(dbPath);
db.pragma('synchronous = NORMAL');
const started = performance.now();
const { changes } = db
  .prepare('DELETE FROM products WHERE tenant_id = ? AND batch_id = ?')
  .run('bench-tenant', batchId);
const seconds = (performance.now() - started) / 1000;
db.close();
console.log(JSON.stringify({ rows: changes, seconds }));
