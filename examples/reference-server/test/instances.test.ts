import { existsSync } from 'node:fs';
import { nodeListener } from '@pos/simulators';
import { integrationMigrations, MIGRATION_TABLE } from '@pos/storage-kysely';
import {
  type ApiResponse,
  apiClient,
  cookiesOf,
  holdMigrationLock,
  type Listening,
  listen,
  type PostgresCluster,
  STRIPE_WEBHOOK_SECRET,
  signedWebhook,
  startPostgresCluster,
  stripeEvent,
} from '@pos/test-support';
import express from 'express';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSquare, demoStripe, demoSupabase } from '../src/demo/simulators.js';
import {
  DEMO_SQUARE_LOCATION,
  DEMO_SQUARE_TOKEN,
  DEMO_STRIPE_ACCOUNT,
  DEMO_STRIPE_CLIENT_ID,
  DEMO_STRIPE_SECRET_KEY,
  DEMO_SUPABASE_KEY,
} from '../src/index.js';
import {
  INSTANCE_TENANT,
  OTHER_API_KEY,
  type ReferenceInstance,
  type ReferenceInstances,
  startIntegrationsWorkers,
  startReferenceServers,
} from './support/instances.js';

const main = new URL('../dist/main.js', import.meta.url).pathname;
let cluster: PostgresCluster;
let square: Listening;
let supabase: Listening;
let stripe: Listening;
const STRIPE_REDIRECT_URI = 'http://pos.test/api/integrations/stripe/callback';
const stripeSimulation = demoStripe({ redirectUri: () => STRIPE_REDIRECT_URI });
beforeAll(async () => {
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm test does).`);
  cluster = await startPostgresCluster();
  // Instances are separate processes, out of msw's reach: providers are simulated over real HTTP.
  square = await listen(express().use(nodeListener(demoSquare())));
  supabase = await listen(express().use(nodeListener(demoSupabase())));
  // Session creates are slowed down so that creates from both processes really overlap.
  const slowCreates = express.Router().post('/v1/checkout/sessions', (_req, _res, next) => {
    setTimeout(next, 150);
  });
  stripe = await listen(express().use(slowCreates).use(nodeListener(stripeSimulation.simulator)));
});
afterAll(async () => {
  await square?.close();
  await supabase?.close();
  await stripe?.close();
  cluster?.stop();
});

/** Real mode with Stripe Connect and Checkout against the simulator (its platform credentials). */
const stripeEnv = () => ({
  STRIPE_CLIENT_ID: DEMO_STRIPE_CLIENT_ID,
  STRIPE_SECRET_KEY: DEMO_STRIPE_SECRET_KEY,
  STRIPE_REDIRECT_URI,
  STRIPE_API_BASE: stripe.url,
  STRIPE_CONNECT_BASE: stripe.url,
  STRIPE_WEBHOOK_SECRET,
});

/**
 * The merchant approves on the simulated consent page; returns the callback's path and query,
 * and the flow's cookie the browser got with the auth URL.
 */
async function approveStripe(started: ApiResponse<Record<string, unknown>>): Promise<Callback> {
  const state = new URL(started.body.auth_url as string).searchParams.get('state') as string;
  const decided = await fetch(`${stripe.url}/oauth/authorize/decision`, {
    method: 'POST',
    body: new URLSearchParams({ redirect_uri: STRIPE_REDIRECT_URI, state, decision: 'approve', scope: 'read_write' }),
    redirect: 'manual',
  });
  const callback = new URL(decided.headers.get('location') as string);
  return { path: `${callback.pathname}${callback.search}`, cookie: cookiesOf(started) };
}

interface Callback {
  path: string;
  cookie: string;
}

/** The browser lands on the callback of `instance`; returns where the server sends it next. */
async function land(instance: ReferenceInstance, callback: Callback): Promise<Record<string, string>> {
  const landed = await fetch(`${instance.url}${callback.path}`, {
    redirect: 'manual',
    headers: { cookie: callback.cookie },
  });
  expect(landed.status).toBe(302);
  return Object.fromEntries(new URL(landed.headers.get('location') as string, 'http://x').searchParams);
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('several reference servers on one PostgreSQL database', () => {
  it('start together on a fresh database, migrate it once, and serve', async () => {
    const databaseUrl = cluster.freshDatabase();
    // Hold the migration lock until both processes are waiting for it, so their migrations
    // surely meet: only the lock keeps them from creating the same tables at once.
    const lock = await holdMigrationLock(databaseUrl);
    const starting = startReferenceServers({ databaseUrl });
    starting.catch(() => {}); // awaited below; a failed start must not surface as unhandled meanwhile
    try {
      await expect.poll(() => lock.waiting(), { timeout: 20_000 }).toBe(2);
    } finally {
      await lock.release();
    }
    const servers = await starting;
    try {
      for (const { api, process } of servers.instances) {
        expect((await api('GET', '/healthz')).body).toEqual({ status: 'ok', mode: 'real', variant: 'full' });
        expect(process.output()).toContain(`"database":"PostgreSQL 127.0.0.1:${cluster.port}/`);
      }
      const ran = await query<{ name: string }>(databaseUrl, `select name from ${MIGRATION_TABLE} order by name`);
      expect(ran.map((row) => row.name)).toEqual(Object.keys(integrationMigrations('postgres')));
    } finally {
      expect(await servers.stop()).toEqual([0, 0]);
    }
  });

  it('share every write: a connection made through one is tested, summarised and ended through the other', async () => {
    const databaseUrl = cluster.freshDatabase();
    const servers = await startReferenceServers({ databaseUrl, env: { SQUARE_BASE_URL: square.url } });
    const [a, b] = servers.instances;
    if (!a || !b) throw new Error('two instances expected');
    try {
      const connected = await a.api('POST', '/api/integrations/square/credentials', {
        body: { access_token: DEMO_SQUARE_TOKEN, location_id: DEMO_SQUARE_LOCATION },
      });
      expect(connected.body).toMatchObject({ success: true });

      expect((await b.api('GET', '/api/integrations/square/status')).body).toMatchObject({ connected: true });
      expect((await b.api('POST', '/api/integrations/square/test')).body).toMatchObject({ success: true });
      expect((await b.api('GET', '/api/integrations/square/summary')).body).toMatchObject({
        location_name: 'Demo Coffee — Main St',
      });
      const logs = await a.api<{ logs: Array<{ event: string }> }>('GET', '/api/integrations/square/logs');
      expect(logs.body.logs.map((log) => log.event)).toEqual(expect.arrayContaining(['connected', 'tested']));

      const [stored] = await query<{ tenant_id: string; ciphertext: string }>(
        databaseUrl,
        'select tenant_id, ciphertext from integration_credentials',
      );
      expect(stored?.tenant_id).toBe(INSTANCE_TENANT);
      expect(stored?.ciphertext).not.toContain(DEMO_SQUARE_TOKEN);

      expect((await b.api('DELETE', '/api/integrations/square/disconnect')).body).toMatchObject({ success: true });
      expect((await a.api('GET', '/api/integrations/square/status')).body).toMatchObject({ connected: false });
    } finally {
      await servers.stop();
    }
  });

  it('push one tenant’s sync queue one instance at a time, keeping each record’s changes in order', async () => {
    const [a, b] = await startIntegrationsWorkers({
      databaseUrl: cluster.freshDatabase(),
      // The simulated project listens on loopback: allowed explicitly, as a local project is.
      env: { POS_ALLOWED_PRIVATE_HOSTS: new URL(supabase.url).host },
    });
    if (!a || !b) throw new Error('two workers expected');
    const hot = async () => {
      const response = await fetch(`${supabase.url}/rest/v1/pos_products`, { headers: { apikey: DEMO_SUPABASE_KEY } });
      return ((await response.json()) as Array<{ sku: string; stock: number }>).find((row) => row.sku === 'HOT');
    };
    try {
      await a.call('connect', INSTANCE_TENANT, 'supabase', {
        project_url: supabase.url,
        service_key: DEMO_SUPABASE_KEY,
      });
      for (let round = 1; round <= 6; round += 1) {
        const writer = round % 2 ? a : b;
        const changes = Array.from({ length: 300 }, (_, index) => ({
          sku: index === 0 ? 'HOT' : `R${round}-${index}`,
          name: 'Product',
          price: 100,
          currency: 'USD',
          stock: round,
        }));
        await writer.call('enqueue', INSTANCE_TENANT, 'products', 'upsert', changes);
        if (round % 3 === 0) await writer.call('enqueue', INSTANCE_TENANT, 'products', 'delete', [{ sku: 'HOT' }]);
        // Both instances flush from the same instant: one pushes, the other finds the claim taken
        // (or, if the first already finished, nothing left to push).
        const at = Date.now() + 200;
        const results = await Promise.all([
          a.callAt(at, 'flush', INSTANCE_TENANT),
          b.callAt(at, 'flush', INSTANCE_TENANT),
        ]);
        for (const result of results) {
          expect([{ error: 'SYNC_IN_PROGRESS' }, expect.objectContaining({ pending: 0 })]).toContainEqual(result);
        }
        const delivered = results.map((result) => (result as { delivered?: number }).delivered ?? 0);
        expect(delivered.reduce((sum, count) => sum + count, 0)).toBe(300 + (round % 3 === 0 ? 1 : 0));
        expect(await hot()).toEqual(round % 3 === 0 ? undefined : expect.objectContaining({ stock: round }));
      }
    } finally {
      expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
    }
  });
});

describe('three reference servers on one PostgreSQL database', () => {
  // One set of servers for the file's flow, in order: B and C connect Stripe, open a checkout and
  // take its webhook; then A crashes in the middle of an import and B and C recover its batch.
  let servers: ReferenceInstances;
  let a: ReferenceInstance;
  let b: ReferenceInstance;
  let c: ReferenceInstance;
  let sessionId: string;
  let databaseUrl: string;
  beforeAll(async () => {
    databaseUrl = cluster.freshDatabase();
    servers = await startReferenceServers({
      databaseUrl,
      count: 3,
      // A short Data Manager lease, so the survivors notice a crash within seconds.
      env: { ...stripeEnv(), POS_BATCH_LEASE_MS: '4000' },
    });
    [a, b, c] = servers.instances as [ReferenceInstance, ReferenceInstance, ReferenceInstance];
  });
  afterAll(async () => {
    await servers?.stop();
  });

  it('connect through the other instance: an OAuth state issued by one is consumed once, over HTTP', async () => {
    // Started through C, the merchant's browser comes back to B.
    const started = await c.api('POST', '/api/integrations/stripe/auth-url');
    const callback = await approveStripe(started);
    expect(await land(b, callback)).toEqual({ provider: 'stripe', status: 'connected' });
    expect((await c.api('GET', '/api/integrations/stripe/status')).body).toMatchObject({ connected: true });
    // The same callback again, on either instance: the state is spent.
    for (const instance of [c, b]) {
      expect(await land(instance, callback)).toEqual({
        provider: 'stripe',
        status: 'error',
        error_code: 'STRIPE_STATE_INVALID',
      });
    }

    // Callbacks delivered to both instances at the same time (a double-click, a retried
    // redirect): for every state exactly one instance completes it, the other refuses it.
    const callbacks = await Promise.all(
      [c, b, c, b, c, b].map(async (instance) =>
        approveStripe(await instance.api('POST', '/api/integrations/stripe/auth-url')),
      ),
    );
    const outcomes = await Promise.all(
      callbacks.map((path) => Promise.all([land(c, path), land(b, path)]).then((both) => both.map((o) => o.status))),
    );
    for (const both of outcomes) expect(both.sort()).toEqual(['connected', 'error']);
    const logs = await b.api<{ logs: Array<{ event: string }> }>('GET', '/api/integrations/stripe/logs?limit=100');
    expect(logs.body.logs.filter((log) => log.event === 'connected')).toHaveLength(1 + callbacks.length);
  });

  it('link one Stripe account to one tenant: two tenants connecting it through two instances at once, one wins', async () => {
    const other = (instance: ReferenceInstance) => apiClient(instance.url, { token: OTHER_API_KEY });
    // Tenant 1 holds the account: tenant 2 is refused, whichever instance it goes through.
    const refused = await approveStripe(await other(b)('POST', '/api/integrations/stripe/auth-url'));
    expect(await land(c, refused)).toEqual({
      provider: 'stripe',
      status: 'error',
      error_code: 'STRIPE_ACCOUNT_IN_USE',
    });
    expect((await other(c)('GET', '/api/integrations/stripe/status')).body).toMatchObject({ connected: false });

    // Once it is free, both tenants race for it through different instances: exactly one gets it.
    expect((await c.api('DELETE', '/api/integrations/stripe/disconnect')).status).toBe(200);
    const flows = await Promise.all([
      approveStripe(await c.api('POST', '/api/integrations/stripe/auth-url')),
      approveStripe(await other(b)('POST', '/api/integrations/stripe/auth-url')),
    ]);
    const outcomes = await Promise.all([land(b, flows[0] as Callback), land(c, flows[1] as Callback)]);
    expect(outcomes.map((outcome) => outcome.error_code ?? outcome.status).sort()).toEqual([
      'STRIPE_ACCOUNT_IN_USE',
      'connected',
    ]);
    const holders = await query<{ tenant_id: string }>(databaseUrl, 'select tenant_id from provider_accounts');
    expect(holders).toHaveLength(1);

    // Leave tenant 1 connected for the tests that follow.
    if (holders[0]?.tenant_id !== INSTANCE_TENANT) {
      await other(b)('DELETE', '/api/integrations/stripe/disconnect');
      expect(await land(c, await approveStripe(await c.api('POST', '/api/integrations/stripe/auth-url')))).toEqual({
        provider: 'stripe',
        status: 'connected',
      });
    }
  });

  it('open one Stripe Checkout session for 20 concurrent creates of one order across both instances', async () => {
    const before = { ...stripeSimulation.calls };
    const order = { order_id: 'ORDER-1001', amount: 4250, currency: 'usd' };
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 ? b : c).api('POST', '/api/payments/checkout-session', { body: order }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const sessions = new Set(responses.map((response) => response.body.session_id));
    const payments = new Set(responses.map((response) => response.body.payment_id));
    expect([sessions.size, payments.size]).toEqual([1, 1]);
    expect(stripeSimulation.calls.createSession - before.createSession).toBe(1);
    expect(stripeSimulation.calls.sessionsCreated - before.sessionsCreated).toBe(1);
    sessionId = [...sessions][0] as string;
    for (const instance of [c, b]) {
      expect((await instance.api('GET', '/api/payments/orders/ORDER-1001/payment')).body).toMatchObject({
        session_id: sessionId,
        status: 'pending',
        attempt: 1,
      });
    }
  });

  it('apply a webhook delivered to both instances at once exactly once', async () => {
    const stored = await fetch(`${stripe.url}/v1/checkout/sessions/${sessionId}`, {
      headers: { authorization: `Bearer ${DEMO_STRIPE_SECRET_KEY}`, 'stripe-account': DEMO_STRIPE_ACCOUNT },
    });
    const session = { ...(await stored.json()), status: 'complete', payment_status: 'paid', url: null };
    const delivery = signedWebhook(
      stripeEvent('checkout.session.completed', session, { account: DEMO_STRIPE_ACCOUNT }),
    );
    // Stripe retrying while the first delivery is still in flight, to whichever instance.
    const post = (instance: ReferenceInstance) =>
      instance.api('POST', '/api/payments/webhooks/stripe', {
        body: delivery.body,
        headers: { 'content-type': 'application/json', 'stripe-signature': delivery.signature },
      });
    const answers = await Promise.all([c, b, c, b, c, b, c, b].map(post));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(answers.filter((answer) => answer.body.duplicate !== true)).toHaveLength(1);

    for (const instance of [c, b]) {
      const payment = await instance.api<{ status: string; events: Array<{ applied: boolean }> }>(
        'GET',
        '/api/payments/orders/ORDER-1001/payment',
      );
      expect(payment.body.status).toBe('paid');
      expect(payment.body.events).toEqual([
        expect.objectContaining({ type: 'checkout.session.completed', status: 'paid', applied: true }),
      ]);
    }
    // A paid order opens no second checkout, whichever instance is asked.
    const again = await b.api('POST', '/api/payments/checkout-session', {
      body: { order_id: 'ORDER-1001', amount: 4250, currency: 'usd' },
    });
    expect(again.body).toMatchObject({ error_code: 'PAYMENT_ALREADY_PAID' });
  });

  const RECOVERED = 'The server working on this batch stopped before it finished; nothing was imported.';
  const recoveries = (instance: ReferenceInstance, batchId: string) =>
    instance.process
      .output()
      .split('\n')
      .filter((line) => line.includes('Data Manager batch recovered as failed') && line.includes(batchId)).length;

  /** Import connections to the database (asked on a connection of its own: activity is read once per transaction). */
  const importConnections = async (condition: string) => {
    const [row] = await query<{ n: number }>(
      databaseUrl,
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'pos-integrations-import' and ${condition}`,
    );
    return row?.n;
  };

  it('fail the Data Manager batch of an instance killed mid-import exactly once, and show none of its rows', async () => {
    // The test holds the products table so A's import stays open (its COPY waits for the lock):
    // A keeps its batch alive with heartbeats until it is killed mid-import.
    const holder = new pg.Client({ connectionString: databaseUrl });
    holder.on('error', () => {}); // the cluster may stop first when the test fails
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE products IN SHARE MODE');
      const seeded = await a.api('POST', '/api/data-manager/seed', {
        body: { entity_type: 'products', count: 20_000 },
      });
      expect(seeded.status).toBe(202);
      const batchId = seeded.body.id as string;
      await expect.poll(() => importConnections("wait_event_type = 'Lock'"), { timeout: 10_000 }).toBe(1);
      // The open import blocks nobody: the others answer, and see the batch running.
      expect((await b.api('GET', `/api/data-manager/batches/${batchId}`)).body).toMatchObject({ status: 'processing' });
      await new Promise((resolve) => setTimeout(resolve, 4_500)); // longer than the lease: A's heartbeats keep it alive
      expect((await c.api('GET', `/api/data-manager/batches/${batchId}`)).body).toMatchObject({ status: 'processing' });

      a.process.child.kill('SIGKILL');
      await a.process.exited;
      await expect
        .poll(async () => (await b.api('GET', `/api/data-manager/batches/${batchId}`)).body.status, {
          timeout: 15_000,
          interval: 200,
        })
        .toBe('failed');
      expect((await c.api('GET', `/api/data-manager/batches/${batchId}`)).body).toMatchObject({
        status: 'failed',
        error_message: RECOVERED,
        record_count: 0,
      });
      // Both survivors sweep every half lease; give the other one a sweep too: one of them failed it.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(recoveries(b, batchId) + recoveries(c, batchId)).toBe(1);

      // Once the lock is gone, the dead instance's transaction is rolled back, never committed.
      await holder.query('ROLLBACK');
      await expect.poll(() => importConnections('true'), { timeout: 10_000 }).toBe(0);
      const exported = await b.api('GET', '/api/data-manager/export?entity_type=products');
      expect(exported.text.trim().split(/\r?\n/)).toHaveLength(1); // the header alone
      // And the survivors import as usual.
      const again = await c.api('POST', '/api/data-manager/seed', { body: { entity_type: 'products', count: 50 } });
      expect(again.body).toMatchObject({ status: 'completed', record_count: 50 });
    } finally {
      await holder.end();
    }
  }, 60_000);
});
