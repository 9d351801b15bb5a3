// bench/csv-import: the SDK's CSV import and purge against baselines measured in the same run,
// on SQLite and then on a throwaway PostgreSQL cluster (skipped with --no-postgres).
// Usage: npm run bench:csv-import [-- --rows 1000000]   (runs under tsx: the cluster comes from test-support)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateProductsCsv } from './generate.mjs';

const here = import.meta.dirname;
const rowsFlag = process.argv.indexOf('--rows');
const rows = rowsFlag === -1 ? 1_000_000 : Number(process.argv[rowsFlag + 1]);
if (!Number.isInteger(rows) || rows < 1000) throw new Error('--rows must be a whole number ≥ 1000');
const smallRows = Math.max(1000, Math.round(rows / 10));
const runsFlag = process.argv.indexOf('--runs');
// The machines are shared: each import runs several times and the fastest run counts.
const runs = runsFlag === -1 ? 3 : Number(process.argv[runsFlag + 1]);
const MiB = 1024 * 1024;

function ensureSqlite3() {
  try {
    execFileSync('sqlite3', ['-version'], { stdio: 'ignore' });
  } catch {
    if (process.getuid?.() !== 0)
      throw new Error('sqlite3 is missing: apt-get install sqlite3 (as root) and run again.');
    console.log('Installing Debian sqlite3 …');
    execFileSync('apt-get', ['update'], { stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'sqlite3'], { stdio: 'inherit' });
  }
}

/** Runs a child script and returns the JSON it prints last. */
function child(script, args) {
  const output = execFileSync(process.execPath, [join(here, script), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(output.trim().split('\n').at(-1));
}

function fastest(count, measure) {
  let best;
  for (let run = 0; run < count; run++) {
    const result = measure(run);
    if (!best || result.seconds < best.seconds) best = result;
  }
  return best;
}

function sqliteImport(csv, db) {
  rmSync(db, { force: true });
  rmSync(`${db}-wal`, { force: true });
  const started = performance.now();
  execFileSync(
    'sqlite3',
    [db, 'PRAGMA journal_mode=WAL;', 'PRAGMA synchronous=NORMAL;', `.import --csv ${csv} products`],
    {
      stdio: 'ignore',
    },
  );
  return { seconds: (performance.now() - started) / 1000 };
}

function fresh(db) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
  return db;
}

/** Starts a throwaway cluster (installing Debian's postgresql when missing and root), or says why not. */
async function startCluster() {
  if (process.argv.includes('--no-postgres')) return undefined;
  try {
    const { startPostgresCluster } = await import('@pos/test-support');
    return await startPostgresCluster();
  } catch (error) {
    console.log(`PostgreSQL run skipped: ${error instanceof Error ? error.message : error}\n`);
    return undefined;
  }
}

ensureSqlite3();
const dir = mkdtempSync(join(tmpdir(), 'pos-bench-'));
try {
  const bigCsv = join(dir, 'products.csv');
  const smallCsv = join(dir, 'products-small.csv');
  const repricedCsv = join(dir, 'products-repriced.csv');
  await generateProductsCsv(bigCsv, rows);
  await generateProductsCsv(repricedCsv, rows, { priceShift: 7 });
  await generateProductsCsv(smallCsv, smallRows);
  const fileMiB = statSync(bigCsv).size / MiB;
  console.log(
    `${rows.toLocaleString('en')} rows, ${fileMiB.toFixed(1)} MiB (and ${smallRows.toLocaleString('en')} rows for the memory check)\n`,
  );

  const sqliteSeconds = fastest(runs, () => sqliteImport(bigCsv, join(dir, 'cli.db'))).seconds;
  const sdkSmall = fastest(runs, () => child('sdk-import.mjs', ['import', fresh(join(dir, 'sdk-small.db')), smallCsv]));
  const sdk = fastest(runs, (run) => {
    const db = join(dir, `sdk-${run}.db`);
    return { ...child('sdk-import.mjs', ['import', db, bigCsv]), db };
  });
  const naive = fastest(Math.min(runs, 2), () => {
    child('schema.mjs', [fresh(join(dir, 'naive.db'))]);
    return child('naive.mjs', [join(dir, 'naive.db'), bigCsv]);
  });

  // Re-imports into a copy of the imported database: the same file (every row unchanged) and a
  // price list that changes every price (every row updated).
  const copyOf = (db, name) => {
    const copy = join(dir, name);
    fresh(copy);
    copyFileSync(db, copy);
    if (existsSync(`${db}-wal`)) copyFileSync(`${db}-wal`, `${copy}-wal`);
    return copy;
  };
  const again = fastest(runs, (run) => child('sdk-import.mjs', ['import', copyOf(sdk.db, `again-${run}.db`), bigCsv]));
  const repriced = fastest(runs, (run) =>
    child('sdk-import.mjs', ['import', copyOf(sdk.db, `repriced-${run}.db`), repricedCsv]),
  );
  for (const [name, result, field] of [
    ['re-import', again, 'unchanged'],
    ['repriced import', repriced, 'updated'],
  ]) {
    if (result[field] !== rows)
      throw new Error(`${name}: expected ${rows} rows ${field}, got ${JSON.stringify(result)}`);
  }

  // Purge and the raw DELETE each get an identical copy of the imported database.
  copyFileSync(sdk.db, join(dir, 'raw.db'));
  if (existsSync(`${sdk.db}-wal`)) copyFileSync(`${sdk.db}-wal`, join(dir, 'raw.db-wal'));
  const rawDelete = child('raw-delete.mjs', [join(dir, 'raw.db'), sdk.batchId]);
  const purge = child('sdk-import.mjs', ['purge', sdk.db, sdk.batchId]);

  const rate = (count, seconds) => Math.round(count / seconds);
  const sqliteRate = rate(rows, sqliteSeconds);
  const line = (name, count, seconds, rss) =>
    `${name.padEnd(34)} ${String(rate(count, seconds).toLocaleString('en')).padStart(9)} rows/s  ${seconds.toFixed(2).padStart(6)} s  ${(rate(count, seconds) / sqliteRate).toFixed(2).padStart(5)} × sqlite3${rss ? `  peak RSS ${(rss / 1024).toFixed(0)} MiB` : ''}`;
  console.log('Import');
  console.log(line('sqlite3 .import (C, no validation)', rows, sqliteSeconds));
  console.log(line('SDK batches.upload (validated)', sdk.rows, sdk.seconds, sdk.maxRssKiB));
  console.log(
    `${'  CPU time, all threads'.padEnd(34)} ${((sdk.cpuSeconds / sdk.rows) * 1e6).toFixed(2).padStart(9)} µs/row  ${sdk.cpuSeconds.toFixed(2).padStart(6)} s  (load average ${loadavg()[0].toFixed(1)})`,
  );
  console.log(
    line(`SDK at ${smallRows.toLocaleString('en')} rows`, sdkSmall.rows, sdkSmall.seconds, sdkSmall.maxRssKiB),
  );
  console.log(line('csv-parse + better-sqlite3 loop', naive.rows, naive.seconds, naive.maxRssKiB));
  console.log(line('SDK re-import, every row unchanged', again.rows, again.seconds, again.maxRssKiB));
  console.log(line('SDK re-import, every price changed', repriced.rows, repriced.seconds, repriced.maxRssKiB));
  console.log('\nPurge');
  console.log(
    `${'raw indexed DELETE'.padEnd(34)} ${rawDelete.seconds.toFixed(2).padStart(6)} s  (${rawDelete.rows.toLocaleString('en')} rows)`,
  );
  console.log(
    `${'SDK batches.purge'.padEnd(34)} ${purge.seconds.toFixed(2).padStart(6)} s  (${purge.rows.toLocaleString('en')} rows)`,
  );

  const importRatio = rate(sdk.rows, sdk.seconds) / sqliteRate;
  const purgeRatio = purge.seconds / rawDelete.seconds;
  const rssGrowth = sdk.maxRssKiB / sdkSmall.maxRssKiB;
  const againRatio = again.seconds / sdk.seconds;
  const repricedRatio = repriced.seconds / sdk.seconds;
  const targets = [
    [`SDK import ≥ 0.5 × sqlite3 .import`, importRatio >= 0.5, `${importRatio.toFixed(2)} ×`],
    ['peak RSS ≤ 256 MiB', sdk.maxRssKiB <= 256 * 1024, `${(sdk.maxRssKiB / 1024).toFixed(0)} MiB`],
    [
      `RSS flat from ${smallRows.toLocaleString('en')} to ${rows.toLocaleString('en')} rows (≤ 1.25 ×)`,
      rssGrowth <= 1.25,
      `${rssGrowth.toFixed(2)} ×`,
    ],
    ['purge ≤ 1.5 × raw DELETE', purgeRatio <= 1.5, `${purgeRatio.toFixed(2)} ×`],
    ['unchanged re-import ≤ 1.5 × the first import’s time', againRatio <= 1.5, `${againRatio.toFixed(2)} ×`],
    ['repriced re-import ≤ 1.5 × the first import’s time', repricedRatio <= 1.5, `${repricedRatio.toFixed(2)} ×`],
  ];
  console.log('\nTargets');
  for (const [name, met, value] of targets) console.log(`${met ? 'met ' : 'MISS'}  ${name.padEnd(48)} ${value}`);

  const cluster = await startCluster();
  if (cluster) {
    try {
      // Every import gets a database of its own, so each starts from an empty table.
      const copyCeiling = fastest(runs, () => child('pg-copy.mjs', [cluster.freshDatabase(), bigCsv]));
      const pgSmall = fastest(runs, () => child('sdk-import.mjs', ['import', cluster.freshDatabase(), smallCsv]));
      const pg = fastest(runs, () => child('sdk-import.mjs', ['import', cluster.freshDatabase(), bigCsv]));
      const inserts = fastest(Math.min(runs, 2), () =>
        child('sdk-import.mjs', ['import', cluster.freshDatabase(), bigCsv, '--insert']),
      );
      const copyRate = rate(rows, copyCeiling.seconds);
      const pgLine = (name, count, seconds, rss) =>
        `${name.padEnd(34)} ${String(rate(count, seconds).toLocaleString('en')).padStart(9)} rows/s  ${seconds.toFixed(2).padStart(6)} s  ${(rate(count, seconds) / copyRate).toFixed(2).padStart(5)} × COPY${rss ? `  peak RSS ${(rss / 1024).toFixed(0)} MiB` : ''}`;
      console.log('\nPostgreSQL import (a throwaway local cluster, fsync off)');
      console.log(pgLine('COPY FROM STDIN (no validation)', rows, copyCeiling.seconds));
      console.log(pgLine('SDK batches.upload, COPY loader', pg.rows, pg.seconds, pg.maxRssKiB));
      console.log(
        pgLine(`SDK at ${smallRows.toLocaleString('en')} rows`, pgSmall.rows, pgSmall.seconds, pgSmall.maxRssKiB),
      );
      console.log(pgLine('SDK with multi-row INSERTs', inserts.rows, inserts.seconds, inserts.maxRssKiB));

      const pgRate = rate(pg.rows, pg.seconds);
      const sqliteSdkRate = rate(sdk.rows, sdk.seconds);
      console.log('\nSQLite and PostgreSQL side by side (SDK batches.upload, validated)');
      console.log(`${'SQLite bulk loader'.padEnd(34)} ${sqliteSdkRate.toLocaleString('en').padStart(9)} rows/s`);
      console.log(
        `${'PostgreSQL COPY loader'.padEnd(34)} ${pgRate.toLocaleString('en').padStart(9)} rows/s  ${(pgRate / sqliteSdkRate).toFixed(2)} × SQLite`,
      );
      const pgGrowth = pg.maxRssKiB / pgSmall.maxRssKiB;
      const copyOverInserts = pgRate / rate(inserts.rows, inserts.seconds);
      console.log('\nTargets (PostgreSQL)');
      for (const [name, met, value] of [
        ['COPY loader faster than multi-row INSERTs', copyOverInserts > 1, `${copyOverInserts.toFixed(2)} ×`],
        ['peak RSS ≤ 256 MiB', pg.maxRssKiB <= 256 * 1024, `${(pg.maxRssKiB / 1024).toFixed(0)} MiB`],
        [
          `RSS flat from ${smallRows.toLocaleString('en')} to ${rows.toLocaleString('en')} rows (≤ 1.25 ×)`,
          pgGrowth <= 1.25,
          `${pgGrowth.toFixed(2)} ×`,
        ],
      ]) {
        console.log(`${met ? 'met ' : 'MISS'}  ${name.padEnd(48)} ${value}`);
      }
    } finally {
      cluster.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
