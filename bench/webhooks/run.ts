/**
 * Webhook throughput of the reference server against a bare Express endpoint, in one run, with
 * two floors between them (floor-server.mjs): the same deliveries checked by hand-written code
 * without storing anything, and checked then durably recorded and applied in SQLite.
 *
 *   npm run bench:webhooks                       (builds first)
 *   BENCH_PAYMENTS=3000 BENCH_CONNECTIONS=32 npm run bench:webhooks
 *   BENCH_ORDERS=200 npm run bench:webhooks      (refund events on 200 orders)
 *
 * Starts the built reference server (demo mode, SQLite in a temp folder) and a bare Express app
 * that only answers 200, each in its own process on loopback. Opens BENCH_PAYMENTS checkout
 * sessions, then sends each session's signed `checkout.session.completed` one to three times,
 * shuffled, over BENCH_CONNECTIONS connections (autocannon); the baseline gets the same
 * requests. Warms both servers up first (BENCH_WARMUP events), then runs BENCH_ROUNDS rounds
 * (bare, then reference, each round with events of its own) and takes the median of the rounds'
 * ratios: the machine's other work moves single rounds, and a round's two halves run moments
 * apart. Prints the rates, the ratio, and checks that every payment ended paid with its event
 * applied exactly once. Exits 1 if any check fails (not for the ratio: timings vary).
 *
 * With BENCH_ORDERS=<n>, the deliveries concentrate on n orders instead (see orders.ts): their n
 * sessions are paid during the warm-up, and the BENCH_PAYMENTS measured events are one-cent
 * `refund.created` events spread evenly over them, each sent one to three times, shuffled.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { refundsOnOrders, type Workload } from './orders.js';
import {
  type Created,
  connectStripe,
  cpuSeconds,
  type Delivery,
  deliveries,
  openSessions,
  readSettlement,
  SECRET,
  start,
  startReference,
  WEBHOOK_PATH,
} from './shared.js';

const BARE = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));
const FLOOR = fileURLToPath(new URL('./floor-server.mjs', import.meta.url));
const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 4200);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** Rounds of bare then reference, each with its own events; the median of their ratios counts. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/** Events sent to both servers before measuring, so both run compiled code, as a server does after its first minutes. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
/** Orders the measured events concentrate on (refunds of paid payments); unset: every event settles an order of its own. */
const ORDERS = process.env.BENCH_ORDERS ? Number(process.env.BENCH_ORDERS) : undefined;
if (ORDERS !== undefined && !(Number.isSafeInteger(ORDERS) && ORDERS > 0)) {
  throw new Error(`BENCH_ORDERS must be a positive whole number, not ${process.env.BENCH_ORDERS}`);
}

async function load(url: string, path: string, list: Delivery[], server: ChildProcess, repeat = 1) {
  const cpuBefore = cpuSeconds(server.pid);
  let next = 0;
  let last = 0;
  const started = performance.now();
  const result = await autocannon({
    url: `${url}${path}`,
    connections: CONNECTIONS,
    amount: list.length * repeat,
    requests: [
      {
        onResponse: () => {
          last = performance.now();
        },
        setupRequest: (request) => {
          const delivery = list[next++ % list.length] as Delivery;
          return {
            ...request,
            method: 'POST',
            path,
            headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': delivery.signature },
            body: delivery.body,
          };
        },
      },
    ],
  });
  // autocannon counts its duration in whole one-second ticks: time the first request to the last answer.
  const seconds = (last - started) / 1000;
  return {
    cpuPerRequestUs: ((cpuSeconds(server.pid) - cpuBefore) / result.requests.total) * 1e6,
    requests: result.requests.total,
    rate: result.requests.total / seconds,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p99: result.latency.p99,
  };
}

/** Every event settles an order of its own: each measured session's `checkout.session.completed`. */
function distinctOrders(created: Created[], account: string, warmSessions: number): Workload {
  const perRound = Math.ceil(created.length / ROUNDS);
  return {
    label: 'all-distinct orders',
    warmUp: () => [],
    round(round) {
      const sessions = created.slice(round * perRound, (round + 1) * perRound);
      return { list: deliveries(sessions, account), events: sessions.length };
    },
    async check(database) {
      // Every payment paid, each event recorded and applied exactly once.
      const orders = created.map((payment) => payment.order_id);
      const { lost, doubled, recorded } = await readSettlement(database, orders, new Set(orders));
      const distinct = created.length + warmSessions;
      return {
        lines: [
          `payments paid:         ${created.length - lost} of ${created.length} (lost: ${lost})`,
          `applied more than once: ${doubled}`,
          `event ids recorded:    ${recorded} of ${distinct} distinct`,
        ],
        ok: lost === 0 && doubled === 0 && recorded === distinct,
        passed: 'every payment ended paid, every event applied exactly once',
      };
    },
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-webhooks-'));
  const dbPath = join(dir, 'pos.db');
  const children: ChildProcess[] = [];
  try {
    const reference = await startReference(dbPath);
    children.push(reference.child);
    const bare = await start(BARE, {}, /listening (http:\/\/\S+)/);
    children.push(bare.child);
    const account = await connectStripe(reference.url);
    // The floors: receiving and checking only, and that plus the durable write.
    const floor = (write: '0' | '1') =>
      start(
        FLOOR,
        { FLOOR_SECRET: SECRET, FLOOR_ACCOUNT: account, FLOOR_DB: join(dir, `floor-${write}.db`), FLOOR_WRITE: write },
        /listening (http:\/\/\S+)/,
      );
    const [checkOnly, durable] = await Promise.all([floor('0'), floor('1')]);
    children.push(checkOnly.child, durable.child);

    const sessions = ORDERS ?? PAYMENTS;
    process.stdout.write(`opening ${sessions + WARMUP} checkout sessions … `);
    const warm = await openSessions(reference.url, 'WARM', WARMUP);
    const created = await openSessions(reference.url, 'BENCH', sessions);
    process.stdout.write('done\n');
    const workload =
      ORDERS === undefined
        ? distinctOrders(created, account, warm.length)
        : refundsOnOrders({ created, account, events: PAYMENTS, rounds: ROUNDS, warmSessions: warm.length });

    const warmList = [...deliveries(warm, account), ...workload.warmUp()];
    await load(bare.url, '/hook', warmList, bare.child);
    for (const server of [checkOnly, durable]) await load(server.url, '/hook', warmList, server.child);
    await load(reference.url, WEBHOOK_PATH, warmList, reference.child);

    const rounds: Array<{
      bare: Awaited<ReturnType<typeof load>>;
      checkOnly: Awaited<ReturnType<typeof load>>;
      durable: Awaited<ReturnType<typeof load>>;
      reference: Awaited<ReturnType<typeof load>>;
      load: number;
    }> = [];
    let sent = 0;
    let events = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      // Signed just before sending: the signatures must be fresh (300 s tolerance).
      const { list, events: roundEvents } = workload.round(round);
      sent += list.length;
      events += roundEvents;
      // The baseline answers so fast that one pass is over in a moment: it gets the same requests three times.
      const bareRound = await load(bare.url, '/hook', list, bare.child, 3);
      const checkOnlyRound = await load(checkOnly.url, '/hook', list, checkOnly.child);
      const durableRound = await load(durable.url, '/hook', list, durable.child);
      const referenceRound = await load(reference.url, WEBHOOK_PATH, list, reference.child);
      const loadAverage = loadavg()[0] as number;
      rounds.push({
        bare: bareRound,
        checkOnly: checkOnlyRound,
        durable: durableRound,
        reference: referenceRound,
        load: loadAverage,
      });
      process.stdout.write(
        `round ${round + 1}: bare ${bareRound.rate.toFixed(0)} req/s (${bareRound.cpuPerRequestUs.toFixed(0)} µs CPU/req), ` +
          `floors ${checkOnlyRound.rate.toFixed(0)} / ${durableRound.rate.toFixed(0)} req/s (${checkOnlyRound.cpuPerRequestUs.toFixed(0)} / ${durableRound.cpuPerRequestUs.toFixed(0)} µs), ` +
          `reference ${referenceRound.rate.toFixed(0)} req/s (${referenceRound.cpuPerRequestUs.toFixed(0)} µs CPU/req), ` +
          `ratio ${(referenceRound.rate / bareRound.rate).toFixed(2)}, load average ${loadAverage.toFixed(1)}\n`,
      );
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const baseline = {
      cpu: median(rounds.map((round) => round.bare.cpuPerRequestUs)),
      rate: median(rounds.map((round) => round.bare.rate)),
      p99: median(rounds.map((round) => round.bare.p99)),
    };
    const measured = {
      cpu: median(rounds.map((round) => round.reference.cpuPerRequestUs)),
      rate: median(rounds.map((round) => round.reference.rate)),
      p99: median(rounds.map((round) => round.reference.p99)),
      non2xx: rounds.reduce((sum, round) => sum + round.reference.non2xx, 0),
      errors: rounds.reduce((sum, round) => sum + round.reference.errors, 0),
    };

    const checked = await workload.check(dbPath);
    const ratios = rounds.map((round) => round.reference.rate / round.bare.rate);
    const floorLine = (name: string, pick: (round: (typeof rounds)[number]) => Awaited<ReturnType<typeof load>>) => {
      const floorRatios = rounds.map((round) => pick(round).rate / round.bare.rate);
      return (
        `${name.padEnd(23)}${median(rounds.map((round) => pick(round).rate))
          .toFixed(0)
          .padStart(7)} req/s   ` +
        `${median(floorRatios).toFixed(2)} × bare (${Math.min(...floorRatios).toFixed(2)}–${Math.max(...floorRatios).toFixed(2)}), ` +
        `${median(rounds.map((round) => pick(round).cpuPerRequestUs)).toFixed(0)} µs CPU/req`
      );
    };
    const floorErrors = rounds.reduce(
      (sum, round) =>
        sum + round.checkOnly.non2xx + round.checkOnly.errors + round.durable.non2xx + round.durable.errors,
      0,
    );
    const stats = await (await fetch(`${durable.url}/stats`)).json();
    const ratio = median(ratios);
    const loads = rounds.map((round) => round.load);
    // A ratio taken while the machine was busy with other work says so.
    const underLoad = Math.max(...loads) > 1.5 ? ', measured under load' : '';
    const lines = [
      '',
      `webhook deliveries: ${sent} (${events} events, each 1–3 times, shuffled; ${workload.label}), ${CONNECTIONS} connections, median of ${ROUNDS} rounds`,
      `bare Express 200:      ${baseline.rate.toFixed(0).padStart(7)} req/s   p99 ${baseline.p99} ms`,
      `reference server:      ${measured.rate.toFixed(0).padStart(7)} req/s   p99 ${measured.p99} ms   (verify, dedupe, apply, commit)`,
      `ratio:                 ${ratio.toFixed(2)} × bare, median of the rounds' ratios (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; target ≥ 0.60${underLoad})`,
      floorLine('floor, checks only:', (round) => round.checkOnly),
      floorLine('floor, durable write:', (round) => round.durable),
      `reference / floor:     ${median(rounds.map((round) => round.reference.rate / round.durable.rate)).toFixed(2)} × the durable floor (median)`,
      `floor recorded:        ${stats.events} events, ${stats.paid} payments paid, ${stats.refunds} refunds (${stats.refunded} cents); non-2xx / errors ${floorErrors}`,
      `load average:          ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} over the rounds`,
      `server CPU per request: bare ${baseline.cpu.toFixed(0)} µs, reference ${measured.cpu.toFixed(0)} µs (${(baseline.cpu / measured.cpu).toFixed(2)} × bare as a rate)`,
      `non-2xx / errors:      ${measured.non2xx} / ${measured.errors}`,
      ...checked.lines,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const ok = checked.ok && measured.non2xx === 0 && measured.errors === 0 && floorErrors === 0;
    process.stdout.write(ok ? `check: ${checked.passed}\n` : 'check: FAILED\n');
    process.exitCode = ok ? 0 : 1;
  } finally {
    for (const child of children) child.kill('SIGTERM');
    // A profiled server writes its profile on the way out: give it time.
    await new Promise((resolve) => setTimeout(resolve, process.env.BENCH_PROFILE ? 3000 : 200));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
