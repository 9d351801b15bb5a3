// Child process: imports a CSV through the SDK's public API (full validation) into a fresh
// SQLite file and prints one JSON line. `--purge <db> <batch>` purges a batch of an existing file instead.
import { createReadStream, statSync } from 'node:fs';
import { createIntegrations, createKeyRing } from '@pos/integrations-core';
import { createSqliteStorage } from '@pos/storage-sqlite';

const [mode, dbPath, arg] = process.argv.slice(2);
const storage = await createSqliteStorage({ filename: dbPath });
const integrations = createIntegrations({
  storage,
  cipher: createKeyRing({ keys: [{ key: Buffer.alloc(32, 1).toString('base64') }] }),
});
const batches = integrations.batches;

if (mode === 'import') {
  const started = performance.now();
  const run = await batches.upload('bench-tenant', {
    entityType: 'products',
    source: createReadStream(arg, { highWaterMark: 1 << 16 }),
    totalBytes: statSync(arg).size,
  });
  const batch = await run.done;
  const seconds = (performance.now() - started) / 1000;
  if (batch.status !== 'completed') throw new Error(`import failed: ${batch.error_message}`);
  console.log(
    JSON.stringify({ rows: batch.record_count, seconds, batchId: batch.id, maxRssKiB: process.resourceUsage().maxRSS }),
  );
} else if (mode === 'purge') {
  const started = performance.now();
  const { purge } = await batches.purge('bench-tenant', arg);
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ rows: purge.record_count, seconds }));
}
await integrations.close();
