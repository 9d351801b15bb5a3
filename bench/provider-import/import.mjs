// Child process: imports the simulated Square catalogue at <base> into an SQLite file through the
// SDK's public API (`integrations.catalogue`) and prints one JSON line. `read` only walks the
// connector's pages (Square's side alone: SDK, paging, counts, row mapping) without storing.
import { square } from '@pos/connector-square';
import { createIntegrations, createKeyRing } from '@pos/integrations-core';
import { createOutboundGuard, silentLogger, systemClock } from '@pos/integrations-core/connector';
import { SQUARE_LOCATION_ID, SQUARE_TOKEN } from '@pos/simulators';
import { createSqliteStorage } from '@pos/storage-sqlite';

const [mode, base, database] = process.argv.slice(2);
const connector = square({ baseUrl: base });
const tenant = 'bench-tenant';

const measure = async (work) => {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await work();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    ...result,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
};

if (mode === 'read') {
  const credentials = {
    secret: { access_token: SQUARE_TOKEN },
    publicData: {
      location_id: SQUARE_LOCATION_ID,
      location_name: 'Main St',
      merchant_id: null,
      environment: 'production',
      access_token_masked: '…',
    },
  };
  const context = { tenantId: tenant, clock: systemClock, logger: silentLogger, outbound: createOutboundGuard() };
  const result = await measure(async () => {
    let rows = 0;
    const pages = connector.catalogue.read('products', credentials, context, { signal: new AbortController().signal });
    for await (const page of pages) rows += page.rows.length;
    return { rows };
  });
  console.log(JSON.stringify(result));
} else {
  const integrations = createIntegrations({
    storage: await createSqliteStorage({ filename: database }),
    cipher: createKeyRing({ keys: [{ key: Buffer.alloc(32, 1).toString('base64') }] }),
    connectors: [connector],
  });
  await integrations.connections.connect(tenant, 'square', {
    access_token: SQUARE_TOKEN,
    location_id: SQUARE_LOCATION_ID,
  });
  const runs = [];
  // A first import, then the same catalogue again (every row unchanged).
  for (let pass = 0; pass < 2; pass++) {
    runs.push(
      await measure(async () => {
        const run = await integrations.catalogue.import(tenant, 'square', { entityType: 'products' });
        const batch = await run.done;
        if (batch.status !== 'completed') throw new Error(`import failed: ${batch.error_message}`);
        return {
          rows: batch.record_count,
          inserted: batch.inserted_count,
          unchanged: batch.unchanged_count,
          errors: batch.error_count,
        };
      }),
    );
  }
  console.log(JSON.stringify({ first: runs[0], again: runs[1] }));
  await integrations.close();
}
