// bench/provider-import: a 100,000-variation simulated Square catalogue imported through the
// SDK's public API (`integrations.catalogue`), the simulator answering instantly from a process of
// its own; then a smaller one from a simulator that takes --latency ms to answer each call.
// Prints items per second, CPU time per item and the importing process's peak RSS.
// Usage: npm run bench:provider-import [-- --variations 100000 --runs 3 --latency 100]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const here = import.meta.dirname;
const flag = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const variations = flag('--variations', 100_000);
// The machines are shared: each measurement runs several times and the fastest counts.
const runs = flag('--runs', 3);
// How long the paced run's provider takes to answer each call (`--latency`, ms).
const LATENCY_MS = flag('--latency', 100);
const SLOW_VARIATIONS = Math.min(variations, 20_000);
if (!Number.isInteger(variations) || variations < 1000) throw new Error('--variations must be a whole number ≥ 1000');

/** Starts the simulator and waits for the line saying where it listens. */
async function startSimulator(count = variations, latencyMs = 0) {
  const child = spawn(process.execPath, [join(here, 'simulator.mjs'), String(count), String(latencyMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code})`)));
    createInterface({ input: child.stdout }).once('line', (first) => resolve([first]));
  });
  return { ...JSON.parse(line), stop: () => child.stdin.end() };
}

/** Runs the import child and returns the JSON it prints last. */
function child(args) {
  const output = execFileSync(process.execPath, [join(here, 'import.mjs'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(output.trim().split('\n').at(-1));
}

function fastest(measure, seconds = (result) => result.seconds) {
  let best;
  for (let run = 0; run < runs; run++) {
    const result = measure(run);
    if (!best || seconds(result) < seconds(best)) best = result;
  }
  return best;
}

const dir = mkdtempSync(join(tmpdir(), 'pos-provider-bench-'));
const simulator = await startSimulator();
try {
  console.log(
    `${variations.toLocaleString('en')} Square variations, generated in ${simulator.generatedSeconds.toFixed(2)} s (load average ${loadavg()[0].toFixed(1)})\n`,
  );
  const read = fastest(() => child(['read', simulator.base]));
  const imported = fastest(
    (run) => child(['import', simulator.base, join(dir, `import-${run}.db`)]),
    (result) => result.first.seconds,
  );
  for (const [name, result] of [
    ['first import', imported.first],
    ['re-import', imported.again],
  ]) {
    if (result.rows !== variations)
      throw new Error(`${name}: expected ${variations} rows, got ${JSON.stringify(result)}`);
  }
  if (imported.again.unchanged !== variations) {
    throw new Error(`re-import: expected every row unchanged, got ${JSON.stringify(imported.again)}`);
  }
  const rate = (result) => Math.round(result.rows / result.seconds);
  const line = (name, result) =>
    `${name.padEnd(40)} ${rate(result).toLocaleString('en').padStart(9)} items/s  ${result.seconds.toFixed(2).padStart(6)} s  CPU ${((result.cpuSeconds / result.rows) * 1e6).toFixed(1).padStart(5)} µs/item  peak RSS ${(result.maxRssKiB / 1024).toFixed(0)} MiB`;
  console.log(line('connector read only (SDK, paging, counts)', read));
  console.log(line('integrations.catalogue.import, first', imported.first));
  console.log(line('integrations.catalogue.import, unchanged', imported.again));

  // The same import against a provider that takes LATENCY_MS to answer each call (a smaller
  // catalogue, so it takes seconds): how much of the wall time the importing process was busy.
  const slow = await startSimulator(SLOW_VARIATIONS, LATENCY_MS);
  let paced;
  try {
    paced = child(['import', slow.base, join(dir, 'paced.db')]).first;
  } finally {
    slow.stop();
  }
  console.log(line(`the same at ${LATENCY_MS} ms a call, ${SLOW_VARIATIONS.toLocaleString('en')} items`, paced));
  console.log(
    `${''.padEnd(40)} busy ${((paced.cpuSeconds / paced.seconds) * 100).toFixed(0)} % of the wall time (CPU of all threads / wall)`,
  );

  const peak = imported.again.maxRssKiB;
  const targets = [
    ['first import ≥ 50,000 items/s', rate(imported.first) >= 50_000, `${rate(imported.first).toLocaleString('en')}`],
    ['peak RSS ≤ 256 MiB', peak <= 256 * 1024, `${(peak / 1024).toFixed(0)} MiB`],
  ];
  console.log('\nTargets');
  for (const [name, met, value] of targets) console.log(`${met ? 'met ' : 'MISS'}  ${name.padEnd(40)} ${value}`);
} finally {
  simulator.stop();
  rmSync(dir, { recursive: true, force: true });
}
