/**
 * Webhook latency of the reference server while a large Data Manager import runs on it.
 *
 *   npm run bench:webhooks-during-import                 (builds first; SQLite, then PostgreSQL)
 *   npm run bench:webhooks-during-import -- --rows 200000 --rate 100 --no-postgres
 *   npm run bench:webhooks-during-import -- --file shuffled    (or reimport)
 *
 * Starts the built reference server (demo mode), connects the demo Stripe account, opens checkout
 * sessions and signs each session's `checkout.session.completed` one to three times, shuffled, as
 * bench:webhooks does. Then sends them at a steady rate (`--rate`, default 200 a second, open
 * loop: a delivery's latency counts from when it was due, so a stalled server cannot hide how
 * long it kept deliveries waiting): first with nothing else running (the baseline), then while a
 * `--rows`-row products CSV (default 1,000,000) is uploaded through `POST
 * /api/data-manager/upload` and its batch runs to completion. `--file shuffled` uploads the same
 * rows in a random order; `--file reimport` imports the file once before the deliveries start and
 * measures the upload of a copy with every price changed (every row updated). Prints p50 / p99 / max latency,
 * the longest time the server answered nothing, the load average and the server's CPU time per
 * request (per row for the import), and checks that every delivered event settled its payment
 * exactly once with every delivery answered 2xx. Runs against SQLite, then against a throwaway
 * PostgreSQL cluster (`--no-postgres` skips it). Exits 1 only if a check fails, never for a timing.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
// @ts-expect-error: a plain ES module of the bench, without types
import { generateProductsCsv } from '../csv-import/generate.mjs';
import { type Figures, figures, line, ms, paced, type Sent, TARGET_P99_MS } from './pacing.js';
import * as shared from './shared.js';

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? fallback : Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}
const ROWS = flag('rows', 1_000_000);
/** Deliveries a second, steady, in both phases. */
const RATE = flag('rate', 200);
const BASELINE_SECONDS = flag('baseline-seconds', 10);
/** Seconds of the import phase the events signed ahead cover; past them, the list is sent again (duplicates). */
const IMPORT_SECONDS = flag('import-seconds', 60);
/** What the measured import uploads: the file in SKU order, shuffled, or a re-import changing every price. */
const FILES = { sorted: 'in SKU order', shuffled: 'shuffled', reimport: 'every price changed, re-imported' } as const;
const fileFlag = process.argv.includes('--file') ? process.argv[process.argv.indexOf('--file') + 1] : 'sorted';
if (!fileFlag || !Object.hasOwn(FILES, fileFlag))
  throw new Error(`--file must be sorted, shuffled or reimport, not ${fileFlag}`);
const FILE = fileFlag as keyof typeof FILES;
const WARMUP = 1000;
/** Above this 1-minute load average (taken as a phase starts) a result is marked as measured under load. */
const LOADED = 1.5;

const execFileAsync = promisify(execFile);

function load(before: number) {
  const now = loadavg()[0] as number;
  return `load average ${before.toFixed(2)} → ${now.toFixed(2)}${before > LOADED ? ', measured under load' : ''}`;
}

interface BatchPoll {
  at: number;
  status: string;
  processed: number;
  bytesRead: number;
}

/** Uploads the CSV with curl (a process of its own, so the sender's timers are not held up) and polls the batch to its end. */
async function runImport(url: string, csv: string) {
  const uploadStarted = performance.now();
  const { stdout } = await execFileAsync(
    'curl',
    [
      '-sS',
      '-H',
      `Authorization: Bearer ${shared.API_KEY}`,
      '-F',
      'entity_type=products',
      '-F',
      `file=@${csv};type=text/csv`,
      `${url}/api/data-manager/upload`,
    ],
    { maxBuffer: 1 << 24 },
  );
  const uploaded = performance.now();
  let batch = JSON.parse(stdout);
  if (!batch.id) throw new Error(`upload answered ${stdout.slice(0, 500)}`);
  const polls: BatchPoll[] = [];
  while (batch.status === 'processing') {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const response = await fetch(`${url}/api/data-manager/batches/${batch.id}`, {
      headers: { authorization: `Bearer ${shared.API_KEY}` },
    });
    batch = await response.json();
    polls.push({
      at: performance.now(),
      status: batch.status,
      processed: batch.processed_count,
      bytesRead: batch.bytes_read,
    });
  }
  return { uploadStarted, uploaded, completed: performance.now(), batch, polls };
}

interface Outcome {
  ok: boolean;
  baseline: Figures;
  during: Figures;
}

async function measure(name: string, database: string, csv: string, first?: string): Promise<Outcome> {
  const reference = await shared.startReference(database, { POS_UPLOAD_MAX_MB: '1024' });
  const server: ChildProcess = reference.child;
  const lagMonitor = monitorEventLoopDelay({ resolution: 5 });
  try {
    const account = await shared.connectStripe(reference.url);
    const baselineEvents = Math.ceil((RATE * BASELINE_SECONDS) / 2);
    const importEvents = Math.ceil((RATE * IMPORT_SECONDS) / 2);
    process.stdout.write(`${name}: opening ${WARMUP + baselineEvents + importEvents} checkout sessions … `);
    const warm = await shared.openSessions(reference.url, 'WARM', WARMUP);
    const base = await shared.openSessions(reference.url, 'BASE', baselineEvents);
    const during = await shared.openSessions(reference.url, 'IMPORT', importEvents);
    process.stdout.write('done\n');
    if (first) {
      const before = await runImport(reference.url, first);
      process.stdout.write(
        `  first import (not measured): ${before.batch.status}, ${before.batch.inserted_count} rows\n`,
      );
    }

    // Warm-up at five times the rate, so the server runs optimised code, as it does after its first minutes.
    await paced(reference.url, shared.deliveries(warm, account), RATE * 5);

    // 1. The baseline: the same steady deliveries, nothing else running.
    let loadBefore = loadavg()[0] as number;
    let cpuBefore = shared.cpuSeconds(server.pid);
    lagMonitor.enable();
    const baseSent = await paced(reference.url, shared.deliveries(base, account), RATE);
    const baseCpu = shared.cpuSeconds(server.pid) - cpuBefore;
    const baseline = figures(baseSent);
    process.stdout.write(`${line('  baseline (no import)', baseline)}\n`);
    process.stdout.write(
      `  ${' '.repeat(24)} server CPU ${((baseCpu / baseSent.length) * 1e6).toFixed(0)} µs/request; ${load(loadBefore)}\n`,
    );

    // 2. The same deliveries while the import runs: from a second before the upload to a second after the batch ends.
    loadBefore = loadavg()[0] as number;
    lagMonitor.reset();
    const importList = shared.deliveries(during, account);
    let finished: (value: unknown) => void = () => undefined;
    const stop = new Promise((resolve) => {
      finished = resolve;
    });
    const sending = paced(reference.url, importList, RATE, stop);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    cpuBefore = shared.cpuSeconds(server.pid);
    const mainBefore = shared.cpuSeconds(server.pid, server.pid);
    const imported = await runImport(reference.url, csv);
    const importCpu = shared.cpuSeconds(server.pid) - cpuBefore;
    const mainCpu = shared.cpuSeconds(server.pid, server.pid) - mainBefore;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    finished(undefined);
    const sent = await sending;
    lagMonitor.disable();

    const within = (from: number, to: number) => sent.filter((record) => record.due >= from && record.due < to);
    const window = within(imported.uploadStarted, imported.completed);
    const uploading = figures(within(imported.uploadStarted, imported.uploaded));
    const importing = figures(within(imported.uploaded, imported.completed));
    const duringImport = figures(window);
    const all = figures(sent);
    const seconds = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
    const streamed = imported.polls.find((poll) => poll.processed >= ROWS)?.at;
    process.stdout.write(
      `  import: upload ${seconds(imported.uploadStarted, imported.uploaded)}, then the batch ${seconds(imported.uploaded, imported.completed)}` +
        ` (${imported.batch.status}, ${imported.batch.inserted_count} inserted` +
        (streamed ? `; every row read ${seconds(imported.uploaded, streamed)} after the upload` : '') +
        `); server CPU ${importCpu.toFixed(1)} s, ${((importCpu / ROWS) * 1e6).toFixed(2)} µs/row (import and deliveries), ` +
        `its main thread ${mainCpu.toFixed(1)} s (${((mainCpu * 100000) / (imported.completed - imported.uploadStarted)).toFixed(0)} % of the time)\n`,
    );
    process.stdout.write(`${line('  during the upload', uploading)}\n`);
    process.stdout.write(`${line('  while the batch ran', importing)}\n`);
    process.stdout.write(`${line('  during the import, all', duringImport)}\n`);
    process.stdout.write(
      `  ${' '.repeat(24)} ${load(loadBefore)}; this process's own event loop lagged at most ${ms(lagMonitor.max / 1e6)}\n`,
    );
    // Where the slow deliveries were due, against the batch's timeline.
    const slow = window.filter((record) => record.answered - record.due > TARGET_P99_MS);
    if (slow.length > 0) {
      const first = slow[0] as Sent;
      const last = slow.at(-1) as Sent;
      process.stdout.write(
        `  deliveries over ${TARGET_P99_MS} ms were due from ${seconds(imported.uploaded, first.due)} to ${seconds(imported.uploaded, last.due)} after the upload ended` +
          ` (the batch completed at ${seconds(imported.uploaded, imported.completed)})\n`,
      );
    }
    if (process.argv.includes('--timeline')) {
      // The slowest delivery due in each half second, from the upload's start.
      const buckets = new Map<number, number>();
      for (const record of window) {
        const bucket = Math.floor((record.due - imported.uploadStarted) / 500);
        buckets.set(bucket, Math.max(buckets.get(bucket) ?? 0, record.answered - record.due));
      }
      process.stdout.write(
        `  slowest per half second from the upload's start (upload ended at ${seconds(imported.uploadStarted, imported.uploaded)}): ${[...buckets.values()].map((value) => value.toFixed(0)).join(' ')}\n`,
      );
    }
    const failures = new Map<string, number>();
    for (const record of [...baseSent, ...sent])
      if (record.failure) failures.set(record.failure, (failures.get(record.failure) ?? 0) + 1);
    for (const [failure, count] of failures) process.stdout.write(`  refused ${count} ×: ${failure}\n`);
    if (sent.length > importList.length)
      process.stdout.write(
        `  (the signed list ran out: ${sent.length - importList.length} deliveries were sent again)\n`,
      );

    // Every event answered 2xx settled its payment exactly once; every payment never sent is still open.
    const created: shared.Created[] = [...warm, ...base, ...during];
    const deliveredRecords = [...baseSent, ...sent];
    const warmOrders = warm.map((payment) => payment.order_id);
    const acknowledged = new Set([
      ...warmOrders,
      ...deliveredRecords.filter((record) => !record.failure).map((record) => record.order),
    ]);
    const sentOrders = new Set([...warmOrders, ...deliveredRecords.map((record) => record.order)]);
    const settlement = await shared.readSettlement(
      database,
      created.map((payment) => payment.order_id),
      acknowledged,
      sentOrders,
    );
    const refused = baseline.failed + all.failed;
    const written = first ? imported.batch.updated_count : imported.batch.inserted_count;
    const importOk = imported.batch.status === 'completed' && written === ROWS;
    const ok =
      settlement.lost === 0 &&
      settlement.doubled === 0 &&
      settlement.settledUnsent === 0 &&
      settlement.recorded === settlement.paid &&
      refused === 0 &&
      importOk;
    process.stdout.write(
      `  checks: ${sentOrders.size} payments sent, ${acknowledged.size} answered 2xx, of those lost ${settlement.lost}; ` +
        `applied more than once ${settlement.doubled}; every copy refused ${settlement.refusedOnly}; ` +
        `settled without a delivery ${settlement.settledUnsent}; event ids recorded ${settlement.recorded} for ${settlement.paid} paid; ` +
        `deliveries refused ${refused}; import ${importOk ? 'complete' : 'NOT complete'} → ${ok ? 'ok' : 'FAILED'}\n\n`,
    );
    return { ok, baseline, during: duringImport };
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-stall-'));
  let ok = true;
  try {
    const csv = join(dir, 'products.csv');
    await generateProductsCsv(csv, ROWS, { shuffled: FILE === 'shuffled', priceShift: FILE === 'reimport' ? 7 : 0 });
    // A re-import's first import: the same rows at their first prices.
    const first = FILE === 'reimport' ? join(dir, 'products-first.csv') : undefined;
    if (first) await generateProductsCsv(first, ROWS);
    process.stdout.write(
      `${ROWS.toLocaleString('en')}-row products CSV, ${FILES[FILE]} (${(statSync(csv).size / 1024 / 1024).toFixed(1)} MiB); ` +
        `webhook deliveries at ${RATE}/s, each event 1–3 times, shuffled; latency counted from when each was due\n\n`,
    );
    const sqlite = await measure('SQLite', join(dir, 'pos.db'), csv, first);
    ok &&= sqlite.ok;
    if (process.argv.includes('--no-postgres')) {
      process.stdout.write('PostgreSQL run skipped: --no-postgres\n');
    } else {
      let cluster: { freshDatabase(): string; stop(): void } | undefined;
      try {
        const { startPostgresCluster } = await import('@pos/test-support');
        cluster = await startPostgresCluster();
      } catch (error) {
        process.stdout.write(`PostgreSQL run skipped: ${error instanceof Error ? error.message : error}\n`);
      }
      if (cluster) {
        try {
          const postgres = await measure('PostgreSQL', cluster.freshDatabase(), csv, first);
          ok &&= postgres.ok;
        } finally {
          cluster.stop();
        }
      }
    }
    const verdict = sqlite.during.p99 <= TARGET_P99_MS ? 'met' : 'not met';
    process.stdout.write(
      `Target: p99 ≤ ${TARGET_P99_MS} ms on SQLite during the import: ${verdict} (${ms(sqlite.during.p99)}; baseline ${ms(sqlite.baseline.p99)})\n`,
    );
    process.stdout.write(ok ? 'check: every delivered event applied exactly once, none refused\n' : 'check: FAILED\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exitCode = ok ? 0 : 1;
}

await main();
