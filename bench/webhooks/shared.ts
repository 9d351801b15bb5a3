/**
 * What the webhook benches share: starting the built reference server in demo mode, connecting
 * the demo Stripe account, opening checkout sessions, building Stripe events (the sessions'
 * `checkout.session.completed` among them) signed with the official SDK, reading a process's CPU
 * time, and checking in the database that every delivered event settled its payment exactly once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripeEvent } from '@pos/simulators';
import { cookiesOf } from '@pos/test-support';
import Database from 'better-sqlite3';
import pg from 'pg';
import Stripe from 'stripe';
import { completedSession } from './session.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built reference server; `BENCH_SERVER=<path to main.js>` runs another build's, to compare two builds with the same script. */
export const MAIN = process.env.BENCH_SERVER ?? join(ROOT, 'examples/reference-server/dist/main.js');
export const SECRET = 'whsec_benchWebhookSigningSecret000000000000';
export const API_KEY = 'pos_demo_key_not_for_production';
export const WEBHOOK_PATH = '/api/payments/webhooks/stripe';

export function start(
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
  let listening = false;
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      // Once it listens, its log (a line a request) is only drained: searching all of it again on
      // every chunk cost this process enough to delay the requests it sends.
      if (listening) return;
      output += chunk.toString('utf8');
      const match = pattern.exec(output);
      if (match) {
        listening = true;
        output = '';
        resolve({ child, url: match[1] as string });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before listening:\n${output}`)));
  });
}

/**
 * The built reference server in demo mode with the bench's webhook secret and periodic sync off;
 * `database` is the SQLite file's path or a `postgres://` URL.
 */
export function startReference(database: string, env: Record<string, string> = {}) {
  return start(
    MAIN,
    {
      PORT: '0',
      ...(database.startsWith('postgres') ? { DATABASE_URL: database } : { POS_DB_PATH: database }),
      STRIPE_WEBHOOK_SECRET: SECRET,
      POS_SYNC_INTERVAL_MS: '0',
      // The bench opens its sessions as one tenant as fast as it can: lift the per-tenant rate.
      POS_CHECKOUT_RATE_PER_MINUTE: '100000',
      ...env,
    },
    /URL\s+(http:\/\/\S+)/,
  );
}

/**
 * CPU seconds a process has used (user + system), from /proc: a figure the machine's other load
 * does not move. With `thread`, that thread's only (the process's id is its main thread's).
 */
export function cpuSeconds(pid: number | undefined, thread?: number): number {
  const path = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
  const fields = readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export async function api(url: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    redirect: 'manual',
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** Connects the demo Stripe account through its simulated consent page; answers the account's id. */
export async function connectStripe(url: string): Promise<string> {
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
  // The flow's state is bound to the browser that asked for the auth URL: send its cookie back.
  const callback = await fetch(decision.headers.get('location') as string, {
    redirect: 'manual',
    headers: { cookie: cookiesOf(started) },
  });
  if (!callback.headers.get('location')?.includes('status=connected')) throw new Error('Stripe did not connect');
  const status = await api(url, 'GET', '/api/integrations/stripe/status');
  return status.body.account_id as string;
}

export interface Created {
  order_id: string;
  payment_id: string;
  session_id: string;
  amount: number;
  currency: string;
}

export async function openSessions(url: string, prefix: string, count: number): Promise<Created[]> {
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

export interface Delivery {
  body: string;
  signature: string;
  /** The order the event settles. */
  order: string;
}

/** A Stripe event of `type` carrying `object`, as Stripe sends it to a Connect endpoint (the simulators' shape), signed now with the SDK. */
export function signedEvent(id: string, type: string, account: string, object: Record<string, unknown>) {
  const body = JSON.stringify(stripeEvent(type, object, { id, account }));
  return { body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }) };
}

/** Shuffles the list in place (Fisher–Yates); answers it. */
export function shuffle(list: Delivery[]): Delivery[] {
  for (let index = list.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [list[index], list[other]] = [list[other] as Delivery, list[index] as Delivery];
  }
  return list;
}

let eventCount = 0;
/**
 * Each session's completed event, signed now with the SDK, one to three times, shuffled. The
 * session names its PaymentIntent: `paymentRef`'s, else one of its own.
 */
export function deliveries(created: Created[], account: string, paymentRef?: (payment: Created) => string): Delivery[] {
  const list: Delivery[] = [];
  const now = Math.floor(Date.now() / 1000);
  for (const payment of created) {
    const paymentIntent = paymentRef ? paymentRef(payment) : `pi_for_${payment.session_id}`;
    const event = signedEvent(
      `evt_bench_${++eventCount}`,
      'checkout.session.completed',
      account,
      completedSession(payment, paymentIntent, now),
    );
    const copies = 1 + (eventCount % 3);
    for (let copy = 0; copy < copies; copy += 1) list.push({ ...event, order: payment.order_id });
  }
  return shuffle(list);
}

export interface Settlement {
  /** Orders with a delivery answered 2xx that did not end `paid`. */
  lost: number;
  /** Orders with a trail of more than one applied event, or of none once a delivery was answered 2xx. */
  doubled: number;
  /** Orders sent but with no delivery answered 2xx (every copy refused): the sender must retry them. */
  refusedOnly: number;
  /** Orders whose event was never sent and that are nevertheless not open any more. */
  settledUnsent: number;
  /** Orders that ended `paid`. */
  paid: number;
  /** Bench event ids recorded in `webhook_events`. */
  recorded: number;
}

/**
 * Reads, from the server's database (a SQLite file's path or a `postgres://` URL), the payments
 * of the orders named and the bench's recorded event ids: an order with a delivery answered 2xx
 * must be paid with exactly one event applied, one never sent still open.
 */
export async function readSettlement(
  database: string,
  orders: readonly string[],
  acknowledged: ReadonlySet<string>,
  sent: ReadonlySet<string> = acknowledged,
): Promise<Settlement> {
  const paymentsSql =
    "select order_id, status, json_array_length(webhook_events) as trail from payments where tenant_id = 'demo'";
  const recordedSql = "select count(*) as n from webhook_events where event_id like 'evt_bench_%'";
  let rows: Array<{ order_id: string; status: string; trail: number }>;
  let recorded: number;
  if (database.startsWith('postgres')) {
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      rows = (await client.query(paymentsSql.replace('(webhook_events)', '(webhook_events::json)'))).rows;
      recorded = Number((await client.query(recordedSql)).rows[0].n);
    } finally {
      await client.end();
    }
  } else {
    const db = new Database(database, { readonly: true });
    rows = db.prepare(paymentsSql).all() as typeof rows;
    recorded = (db.prepare(recordedSql).get() as { n: number }).n;
    db.close();
  }
  const byOrder = new Map(rows.map((row) => [row.order_id, row]));
  const settlement: Settlement = { lost: 0, doubled: 0, refusedOnly: 0, settledUnsent: 0, paid: 0, recorded };
  for (const order of orders) {
    const row = byOrder.get(order);
    const paid = row?.status === 'paid';
    const trail = Number(row?.trail ?? 0);
    if (paid) settlement.paid += 1;
    if (acknowledged.has(order)) {
      if (!paid) settlement.lost += 1;
      if (trail !== 1) settlement.doubled += 1;
    } else if (sent.has(order)) {
      settlement.refusedOnly += 1;
      if (trail > 1) settlement.doubled += 1;
    } else if (paid || trail !== 0) {
      settlement.settledUnsent += 1;
    }
  }
  return settlement;
}
