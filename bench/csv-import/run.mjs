// bench/csv-import: the SDK's CSV import and purge against baselines measured in the same run,
// on SQLite and then on a throwaway PostgreSQL cluster (skipped with --no-postgres).
// Usage: npm run bench:csv-import [-- --rows 1000000]   (runs under tsx: the cluster comes from test-support)
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateProductsCsv } from './generate.mjs';

const here = import.meta.dirname;
const rowsFlag = process.argv.indexOf('--rows');
const rows = rowsFlag === -1 ? 1_000_000 : Number(process.argv[rowsFlag + 1]);
if (!Number.isInteger(rows) || rows < 1000) throw new Error('--rows must be a whole number ≥ 1000');
const smallRows = Math.max(1000, Math.round(rows / 10));
const runsFlag = process.argv.indexOf('--runs');
// The machines are shared: each import runs several times; ratios are the median of alternating
// rounds, and the rates printed are each measurement's fastest run.
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

/**
 * `sqlite3 .import` into a table with the SDK's unique key, `(tenant_id, sku)`, with the SDK's
 * page size and the page cache the SDK's merge gives that file: what the machine does for a
 * file when every SKU must be unique, and nothing else. (The file has no tenant column: the
 * index holds the tenant as a constant expression, so its entries are as wide as the SDK's.)
 */
function sqliteImportKeyed(csv, db, cacheMiB) {
  fresh(db);
  execFileSync('sqlite3', [
    db,
    'PRAGMA page_size=16384;',
    'CREATE TABLE products (sku, name, price, currency, category, stock, barcode, description);',
    "CREATE UNIQUE INDEX products_key ON products (('bench-tenant' || ''), sku);",
  ]);
  const started = performance.now();
  execFileSync(
    'sqlite3',
    [
      db,
      'PRAGMA journal_mode=WAL;',
      'PRAGMA synchronous=NORMAL;',
      `PRAGMA cache_size=-${cacheMiB * 1024};`,
      `.import --csv --skip 1 ${csv} products`,
    ],
    { stdio: 'ignore' },
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
  const shuffledCsv = join(dir, 'products-shuffled.csv');
  await generateProductsCsv(bigCsv, rows);
  await generateProductsCsv(shuffledCsv, rows, { shuffled: true });
  await generateProductsCsv(repricedCsv, rows, { priceShift: 7 });
  await generateProductsCsv(smallCsv, smallRows);
  const fileMiB = statSync(bigCsv).size / MiB;
  console.log(
    `${rows.toLocaleString('en')} rows, ${fileMiB.toFixed(1)} MiB (and ${smallRows.toLocaleString('en')} rows for the memory check)\n`,
  );

  const sdkSmall = fastest(runs, () => child('sdk-import.mjs', ['import', fresh(join(dir, 'sdk-small.db')), smallCsv]));

  // Re-imports go into a copy of the round's imported database: the same file (every row
  // unchanged) and a price list that changes every price (every row updated).
  const copyOf = (db, name) => {
    const copy = join(dir, name);
    fresh(copy);
    copyFileSync(db, copy);
    if (existsSync(`${db}-wal`)) copyFileSync(`${db}-wal`, `${copy}-wal`);
    // Written to disk before the re-import starts: otherwise the kernel writes the copy's
    // 300 MiB back while the re-import runs, a cost the first import (into a new file) never pays.
    for (const file of [copy, `${copy}-wal`]) {
      if (!existsSync(file)) continue;
      const fd = openSync(file, 'r+');
      fsyncSync(fd);
      closeSync(fd);
    }
    return copy;
  };
  // Rounds of the CLI, the SDK's first import and both re-imports, one after the other: the
  // machine's other work moves a whole round less than it moves runs minutes apart, so each ratio
  // is the median of the rounds' ratios.
  // Each SDK import is timed until its rows are in the database file: to `done`, then until the
  // storage's checkpoint thread has copied them out of the write-ahead log (it does so after the
  // import completes; the CLI's time includes its own checkpoint). Ratios use that total; the
  // time to `done`, what a caller waits for, is printed beside it.
  const total = (result) => result.secondsWithCheckpoint;
  // Dirty pages of the previous measurement's files are written out first, so the kernel's
  // write-back does not land in the next one.
  const settle = () => execFileSync('sync');
  const rounds = [];
  let sdkDb;
  for (let run = 0; run < runs; run++) {
    settle();
    const cli = sqliteImport(bigCsv, join(dir, 'cli.db'));
    if (sdkDb) fresh(sdkDb);
    sdkDb = join(dir, 'sdk.db');
    settle();
    const first = { ...child('sdk-import.mjs', ['import', fresh(sdkDb), bigCsv]), db: sdkDb };
    const again = child('sdk-import.mjs', ['import', copyOf(sdkDb, 'again.db'), bigCsv]);
    const repriced = child('sdk-import.mjs', ['import', copyOf(sdkDb, 'repriced.db'), repricedCsv]);
    settle();
    const shuffled = child('sdk-import.mjs', ['import', fresh(join(dir, 'shuffled.db')), shuffledCsv]);
    settle();
    // The SDK's merge cache: 16 MiB for a file in SKU order, 48 MiB for one out of order.
    const keyed = sqliteImportKeyed(bigCsv, join(dir, 'keyed.db'), 16);
    settle();
    const keyedShuffled = sqliteImportKeyed(shuffledCsv, join(dir, 'keyed.db'), 48);
    fresh(join(dir, 'keyed.db'));
    for (const [name, result, field] of [
      ['re-import', again, 'unchanged'],
      ['repriced import', repriced, 'updated'],
    ]) {
      if (result[field] !== rows)
        throw new Error(`${name}: expected ${rows} rows ${field}, got ${JSON.stringify(result)}`);
    }
    const load = loadavg()[0];
    rounds.push({ cli, first, again, repriced, shuffled, keyed, keyedShuffled, load });
    const of = (result, base) =>
      `${total(result).toFixed(2)} s (${(total(result) / base).toFixed(2)} ×; done at ${result.seconds.toFixed(2)} s)`;
    console.log(
      `round ${run + 1}: sqlite3 ${cli.seconds.toFixed(2)} s, SDK ${total(first).toFixed(2)} s (${(cli.seconds / total(first)).toFixed(2)} × sqlite3; done at ${first.seconds.toFixed(2)} s), ` +
        `unchanged re-import ${of(again, total(first))}, repriced ${of(repriced, total(first))}, ` +
        `shuffled file ${total(shuffled).toFixed(2)} s (${(cli.seconds / total(shuffled)).toFixed(2)} × sqlite3), ` +
        `sqlite3 with the unique key ${keyed.seconds.toFixed(2)} s, shuffled ${keyedShuffled.seconds.toFixed(2)} s, load ${load.toFixed(1)}`,
    );
  }
  const loads = rounds.map((round) => round.load);
  const underLoad = Math.max(...loads) > 1.5 ? ' (measured under load)' : '';
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  const best = (pick) => rounds.map(pick).reduce((a, b) => (total(b) < total(a) ? b : a));
  const sqliteSeconds = rounds.map((round) => round.cli.seconds).reduce((a, b) => Math.min(a, b));
  const sdk = best((round) => round.first);
  const again = best((round) => round.again);
  const repriced = best((round) => round.repriced);
  const shuffled = best((round) => round.shuffled);
  const naive = fastest(Math.min(runs, 2), () => {
    child('schema.mjs', [fresh(join(dir, 'naive.db'))]);
    return child('naive.mjs', [join(dir, 'naive.db'), bigCsv]);
  });
  for (const name of ['again.db', 'repriced.db', 'shuffled.db']) fresh(join(dir, name));
  console.log('');

  // Purge and the raw DELETE each get an identical copy of the imported database.
  // (the last round's import: the database of each earlier round made way for the next).
  const imported = rounds.at(-1).first;
  copyFileSync(imported.db, join(dir, 'raw.db'));
  if (existsSync(`${imported.db}-wal`)) copyFileSync(`${imported.db}-wal`, join(dir, 'raw.db-wal'));
  const rawDelete = child('raw-delete.mjs', [join(dir, 'raw.db'), imported.batchId]);
  const purge = child('sdk-import.mjs', ['purge', imported.db, imported.batchId]);

  const rate = (count, seconds) => Math.round(count / seconds);
  const sqliteRate = rate(rows, sqliteSeconds);
  const line = (name, count, seconds, rss) =>
    `${name.padEnd(34)} ${String(rate(count, seconds).toLocaleString('en')).padStart(9)} rows/s  ${seconds.toFixed(2).padStart(6)} s  ${(rate(count, seconds) / sqliteRate).toFixed(2).padStart(5)} × sqlite3${rss ? `  peak RSS ${(rss / 1024).toFixed(0)} MiB` : ''}`;
  console.log('Import');
  console.log(line('sqlite3 .import (C, no validation)', rows, sqliteSeconds));
  console.log(line('SDK batches.upload (validated)', sdk.rows, total(sdk), sdk.maxRssKiB));
  // What a caller waits for: the rows committed (the checkpoint thread copies them afterwards).
  console.log(line('  of which until done', sdk.rows, sdk.seconds));
  console.log(
    `${'  CPU time, all threads'.padEnd(34)} ${((sdk.cpuSecondsWithCheckpoint / sdk.rows) * 1e6).toFixed(2).padStart(9)} µs/row  ${sdk.cpuSecondsWithCheckpoint.toFixed(2).padStart(6)} s  (load average ${loadavg()[0].toFixed(1)})`,
  );
  console.log(
    line(`SDK at ${smallRows.toLocaleString('en')} rows`, sdkSmall.rows, sdkSmall.seconds, sdkSmall.maxRssKiB),
  );
  console.log(line('csv-parse + better-sqlite3 loop', naive.rows, naive.seconds, naive.maxRssKiB));
  console.log(line('SDK re-import, every row unchanged', again.rows, total(again), again.maxRssKiB));
  console.log(line('SDK re-import, every price changed', repriced.rows, total(repriced), repriced.maxRssKiB));
  console.log(line('SDK, the same file shuffled', shuffled.rows, total(shuffled), shuffled.maxRssKiB));
  const keyedSeconds = median(rounds.map((round) => round.keyed.seconds));
  const keyedShuffledSeconds = median(rounds.map((round) => round.keyedShuffled.seconds));
  console.log(line('sqlite3, unique (tenant, SKU) key', rows, keyedSeconds));
  console.log(line('  the same, shuffled file', rows, keyedShuffledSeconds));
  const cpuPerRow = (result) => `${((result.cpuSecondsWithCheckpoint / result.rows) * 1e6).toFixed(2)} µs`;
  console.log(
    `${'  CPU a row, all threads'.padEnd(34)} first ${cpuPerRow(sdk)}, unchanged ${cpuPerRow(again)}, repriced ${cpuPerRow(repriced)}, shuffled ${cpuPerRow(shuffled)} ` +
      `(load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} over the rounds)`,
  );
  console.log('\nPurge');
  console.log(
    `${'raw indexed DELETE'.padEnd(34)} ${rawDelete.seconds.toFixed(2).padStart(6)} s  (${rawDelete.rows.toLocaleString('en')} rows)`,
  );
  console.log(
    `${'SDK batches.purge'.padEnd(34)} ${purge.seconds.toFixed(2).padStart(6)} s  (${purge.rows.toLocaleString('en')} rows)`,
  );

  const importRatio = median(rounds.map((round) => round.cli.seconds / total(round.first)));
  const purgeRatio = purge.seconds / rawDelete.seconds;
  const rssGrowth = sdk.maxRssKiB / sdkSmall.maxRssKiB;
  const againRatio = median(rounds.map((round) => total(round.again) / total(round.first)));
  const repricedRatio = median(rounds.map((round) => total(round.repriced) / total(round.first)));
  const shuffledRatio = median(rounds.map((round) => round.cli.seconds / total(round.shuffled)));
  // The same ratios by the time to \`done\`, for the record.
  const doneRatios = [
    median(rounds.map((round) => round.cli.seconds / round.first.seconds)),
    median(rounds.map((round) => round.again.seconds / round.first.seconds)),
    median(rounds.map((round) => round.repriced.seconds / round.first.seconds)),
  ];

  const targets = [
    [`SDK import ≥ 0.6 × sqlite3 .import (median)`, importRatio >= 0.6, `${importRatio.toFixed(2)} ×${underLoad}`],
    [
      'the same file shuffled ≥ 0.6 × sqlite3 (median)',
      shuffledRatio >= 0.6,
      `${shuffledRatio.toFixed(2)} ×${underLoad}`,
    ],
    [
      'peak RSS ≤ 256 MiB (in order, shuffled)',
      Math.max(sdk.maxRssKiB, shuffled.maxRssKiB) <= 256 * 1024,
      `${(sdk.maxRssKiB / 1024).toFixed(0)}, ${(shuffled.maxRssKiB / 1024).toFixed(0)} MiB`,
    ],
    [
      `RSS flat from ${smallRows.toLocaleString('en')} to ${rows.toLocaleString('en')} rows (≤ 1.25 ×)`,
      rssGrowth <= 1.25,
      `${rssGrowth.toFixed(2)} ×`,
    ],
    ['purge ≤ 1.5 × raw DELETE', purgeRatio <= 1.5, `${purgeRatio.toFixed(2)} ×`],
    [
      'unchanged re-import ≤ 1.5 × the first import (median)',
      againRatio <= 1.5,
      `${againRatio.toFixed(2)} ×${underLoad}`,
    ],
    [
      'repriced re-import ≤ 1.5 × the first import (median)',
      repricedRatio <= 1.5,
      `${repricedRatio.toFixed(2)} ×${underLoad}`,
    ],
  ];
  console.log('\nTargets (each import until checkpointed)');
  for (const [name, met, value] of targets) console.log(`${met ? 'met ' : 'MISS'}  ${name.padEnd(48)} ${value}`);
  // The unique key's own cost, measured with sqlite3 alone: how close any import that keeps every
  // SKU unique can come to the plain import, and how close the SDK comes to that.
  const keyedRatio = median(rounds.map((round) => round.cli.seconds / round.keyed.seconds));
  const keyedShuffledRatio = median(rounds.map((round) => round.cli.seconds / round.keyedShuffled.seconds));
  console.log(
    `sqlite3 itself with the unique key: ${keyedRatio.toFixed(2)} × its plain import in SKU order, ${keyedShuffledRatio.toFixed(2)} × shuffled; ` +
      `the SDK ${median(rounds.map((round) => round.keyed.seconds / total(round.first))).toFixed(2)} × and ${median(rounds.map((round) => round.keyedShuffled.seconds / total(round.shuffled))).toFixed(2)} × of that (medians)`,
  );
  console.log(
    `By the time to done instead: ${doneRatios[0].toFixed(2)} × sqlite3, re-imports ${doneRatios[1].toFixed(2)} × and ${doneRatios[2].toFixed(2)} × the first import (medians)`,
  );

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
