// Child process: imports a CSV through the SDK's public API (full validation) and prints one JSON
// line. The database is an SQLite file path or a postgres:// URL; `--insert` swaps the Postgres
// COPY loader for the multi-row INSERT baseline. `purge <db> <batch>` purges a batch instead.
import { createReadStream, statSync } from 'node:fs';
import { createIntegrations, createKeyRing } from '@pos/integrations-core';
import { createKyselyStorage } from '@pos/storage-kysely';
import { createPostgresStorage } from '@pos/storage-postgres';
import { createSqliteStorage } from '@pos/storage-sqlite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { MultiRowInsertLoader } from './insert-loader.mjs';

const [mode, database, arg] = process.argv.slice(2).filter((value) => !value.startsWith('--'));

async function openStorage() {
  if (!/^postgres(ql)?:/.test(database)) return createSqliteStorage({ filename: database });
  if (!process.argv.includes('--insert')) return createPostgresStorage({ connectionString: database });
  const pool = new pg.Pool({ connectionString: database, max: 10 });
  return createKyselyStorage(new Kysely({ dialect: new PostgresDialect({ pool }) }), {
    dialect: 'postgres',
    bulkLoader: new MultiRowInsertLoader(database),
  });
}

const storage = await openStorage();
const integrations = createIntegrations({
  storage,
  cipher: createKeyRing({ keys: [{ key: Buffer.alloc(32, 1).toString('base64') }] }),
});
const batches = integrations.batches;

if (mode === 'import') {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const run = await batches.upload('bench-tenant', {
    entityType: 'products',
    source: createReadStream(arg, { highWaterMark: 1 << 16 }),
    totalBytes: statSync(arg).size,
  });
  const batch = await run.done;
  const seconds = (performance.now() - started) / 1000;
  // CPU time of every thread of the process (user + system): the machine's other load moves it
  // far less than the wall-clock rate.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (batch.status !== 'completed') throw new Error(`import failed: ${batch.error_message}`);
  // Closing waits for the checkpoint thread, whose last close copies what is left of the
  // write-ahead log into the database file: the import's time with its checkpoint.
  await integrations.close();
  const closed = process.cpuUsage(cpuBefore);
  console.log(
    JSON.stringify({
      rows: batch.record_count,
      inserted: batch.inserted_count,
      updated: batch.updated_count,
      unchanged: batch.unchanged_count,
      seconds,
      cpuSeconds,
      secondsWithCheckpoint: (performance.now() - started) / 1000,
      cpuSecondsWithCheckpoint: (closed.user + closed.system) / 1e6,
      batchId: batch.id,
      maxRssKiB: process.resourceUsage().maxRSS,
    }),
  );
} else if (mode === 'purge') {
  const started = performance.now();
  const { purge } = await batches.purge('bench-tenant', arg);
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ rows: purge.record_count, seconds }));
  await integrations.close();
}
