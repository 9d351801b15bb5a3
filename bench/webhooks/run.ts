/**
 * Webhook throughput of the reference server against a bare Express endpoint, in one run.
 *
 *   npm run bench:webhooks                       (builds first)
 *   BENCH_PAYMENTS=3000 BENCH_CONNECTIONS=32 npm run bench:webhooks
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
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import Stripe from 'stripe';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'examples/reference-server/dist/main.js');
const BARE = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));
const SECRET = 'whsec_benchWebhookSigningSecret000000000000';
const API_KEY = 'pos_demo_key_not_for_production';
const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 4200);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** Rounds of bare then reference, each with its own events; the median of their ratios counts. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/** Events sent to both servers before measuring, so both run compiled code, as a server does after its first minutes. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);

function start(
  script: string,
  env: Record<string, string>,
  pattern: RegExp,
): Promise<{ child: ChildProcess; url: string }> {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, script, ...(script === MAIN ? ['--demo'] : [])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = pattern.exec(output);
      if (match) resolve({ child, url: match[1] as string });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before listening:\n${output}`)));
  });
}

/** CPU seconds a process has used (user + system), from /proc: a figure the machine's other load does not move. */
function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function api(url: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    redirect: 'manual',
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

async function connectStripe(url: string) {
  const started = await api(url, 'POST', '/api/integrations/stripe/auth-url');
  const decision = await fetch(`${url}/demo/stripe/oauth/authorize/decision`, {
    method: 'POST',
    body: new URLSearchParams({
      decision: 'approve',
      redirect_uri: `${url}/api/integrations/stripe/callback`,
      state: new URL(started.body.auth_url).searchParams.get('state') as string,
      scope: 'read_write',
    }),
    redirect: 'manual',
  });
  const callback = await fetch(decision.headers.get('location') as string, { redirect: 'manual' });
  if (!callback.headers.get('location')?.includes('status=connected')) throw new Error('Stripe did not connect');
}

interface Created {
  order_id: string;
  payment_id: string;
  session_id: string;
  amount: number;
  currency: string;
}

async function openSessions(url: string, prefix: string, count: number): Promise<Created[]> {
  const created: Created[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const index = next++;
        const response = await api(url, 'POST', '/api/payments/checkout-session', {
          order_id: `${prefix}-${index}`,
          amount: 1000 + (index % 5000),
          currency: 'usd',
        });
        if (response.status !== 200) throw new Error(`checkout-session answered ${response.status}`);
        created.push(response.body);
      }
    }),
  );
  return created;
}

let eventCount = 0;
/** Each session's completed event, signed now with the SDK, one to three times, shuffled. */
function deliveries(created: Created[], account: string): Array<{ body: string; signature: string }> {
  const list: Array<{ body: string; signature: string }> = [];
  for (const payment of created) {
    const body = JSON.stringify({
      id: `evt_bench_${++eventCount}`,
      object: 'event',
      type: 'checkout.session.completed',
      account,
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: {
        object: {
          id: payment.session_id,
          object: 'checkout.session',
          status: 'complete',
          payment_status: 'paid',
          client_reference_id: payment.order_id,
          metadata: { tenant_id: 'demo', order_id: payment.order_id, payment_id: payment.payment_id, attempt: '1' },
          // What the session was created for: an event reporting another amount settles nothing.
          amount_total: payment.amount,
          currency: payment.currency,
          mode: 'payment',
          livemode: false,
        },
      },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET });
    const copies = 1 + (eventCount % 3);
    for (let copy = 0; copy < copies; copy += 1) list.push({ body, signature });
  }
  for (let index = list.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [list[index], list[other]] = [list[other] as (typeof list)[number], list[index] as (typeof list)[number]];
  }
  return list;
}

async function load(
  url: string,
  path: string,
  list: Array<{ body: string; signature: string }>,
  server: ChildProcess,
  repeat = 1,
) {
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
          const delivery = list[next++ % list.length] as (typeof list)[number];
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

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-webhooks-'));
  const dbPath = join(dir, 'pos.db');
  const children: ChildProcess[] = [];
  try {
    const reference = await start(
      MAIN,
      {
        PORT: '0',
        POS_DB_PATH: dbPath,
        STRIPE_WEBHOOK_SECRET: SECRET,
        POS_SYNC_INTERVAL_MS: '0',
        // The bench opens its sessions as one tenant as fast as it can: lift the per-tenant rate.
        POS_CHECKOUT_RATE_PER_MINUTE: '100000',
      },
      /URL\s+(http:\/\/\S+)/,
    );
    children.push(reference.child);
    const bare = await start(BARE, {}, /listening (http:\/\/\S+)/);
    children.push(bare.child);
    await connectStripe(reference.url);
    const status = await api(reference.url, 'GET', '/api/integrations/stripe/status');
    const account = status.body.account_id as string;

    process.stdout.write(`opening ${PAYMENTS + WARMUP} checkout sessions … `);
    const warm = await openSessions(reference.url, 'WARM', WARMUP);
    const created = await openSessions(reference.url, 'BENCH', PAYMENTS);
    process.stdout.write('done\n');

    const warmList = deliveries(warm, account);
    await load(bare.url, '/hook', warmList, bare.child);
    await load(reference.url, '/api/payments/webhooks/stripe', warmList, reference.child);

    const perRound = Math.ceil(created.length / ROUNDS);
    const rounds: Array<{ bare: Awaited<ReturnType<typeof load>>; reference: Awaited<ReturnType<typeof load>> }> = [];
    let sent = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      // Signed just before sending: the signatures must be fresh (300 s tolerance).
      const list = deliveries(created.slice(round * perRound, (round + 1) * perRound), account);
      sent += list.length;
      // The baseline answers so fast that one pass is over in a moment: it gets the same requests three times.
      const bareRound = await load(bare.url, '/hook', list, bare.child, 3);
      const referenceRound = await load(reference.url, '/api/payments/webhooks/stripe', list, reference.child);
      rounds.push({ bare: bareRound, reference: referenceRound });
      process.stdout.write(
        `round ${round + 1}: bare ${bareRound.rate.toFixed(0)} req/s (${bareRound.cpuPerRequestUs.toFixed(0)} µs CPU/req), ` +
          `reference ${referenceRound.rate.toFixed(0)} req/s (${referenceRound.cpuPerRequestUs.toFixed(0)} µs CPU/req), ` +
          `ratio ${(referenceRound.rate / bareRound.rate).toFixed(2)}\n`,
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

    // Every payment paid, each event recorded and applied exactly once.
    const db = new Database(dbPath, { readonly: true });
    const orders = created.map((payment) => payment.order_id);
    const rows = db
      .prepare(
        "select order_id, status, json_array_length(webhook_events) as trail from payments where tenant_id = 'demo' and order_id like 'BENCH-%'",
      )
      .all() as Array<{ order_id: string; status: string; trail: number }>;
    const byOrder = new Map(rows.map((row) => [row.order_id, row]));
    const lost = orders.filter((order) => byOrder.get(order)?.status !== 'paid').length;
    const doubled = rows.filter((row) => row.trail !== 1).length;
    const recorded = (
      db.prepare("select count(*) as n from webhook_events where event_id like 'evt_bench_%'").get() as { n: number }
    ).n;
    db.close();
    const distinct = created.length + warm.length;

    const ratios = rounds.map((round) => round.reference.rate / round.bare.rate);
    const ratio = median(ratios);
    const lines = [
      '',
      `webhook deliveries: ${sent} (${created.length} events, each 1–3 times, shuffled), ${CONNECTIONS} connections, median of ${ROUNDS} rounds`,
      `bare Express 200:      ${baseline.rate.toFixed(0).padStart(7)} req/s   p99 ${baseline.p99} ms`,
      `reference server:      ${measured.rate.toFixed(0).padStart(7)} req/s   p99 ${measured.p99} ms   (verify, dedupe, apply, commit)`,
      `ratio:                 ${ratio.toFixed(2)} × bare, median of the rounds' ratios (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; target ≥ 0.50)`,
      `server CPU per request: bare ${baseline.cpu.toFixed(0)} µs, reference ${measured.cpu.toFixed(0)} µs (${(baseline.cpu / measured.cpu).toFixed(2)} × bare as a rate)`,
      `non-2xx / errors:      ${measured.non2xx} / ${measured.errors}`,
      `payments paid:         ${created.length - lost} of ${created.length} (lost: ${lost})`,
      `applied more than once: ${doubled}`,
      `event ids recorded:    ${recorded} of ${distinct} distinct`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const ok = lost === 0 && doubled === 0 && recorded === distinct && measured.non2xx === 0 && measured.errors === 0;
    process.stdout.write(
      ok ? 'check: every payment ended paid, every event applied exactly once\n' : 'check: FAILED\n',
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    for (const child of children) child.kill('SIGTERM');
    // A profiled server writes its profile on the way out: give it time.
    await new Promise((resolve) => setTimeout(resolve, process.env.BENCH_PROFILE ? 3000 : 200));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
