import { existsSync } from 'node:fs';
import { integrationMigrations, MIGRATION_TABLE } from '@pos/storage-kysely';
import {
  holdMigrationLock,
  type Listening,
  listen,
  type PostgresCluster,
  startPostgresCluster,
} from '@pos/test-support';
import express from 'express';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { squareSimulator } from '../src/demo/square-simulator.js';
import { supabaseSimulator } from '../src/demo/supabase-simulator.js';
import { DEMO_SQUARE_LOCATION, DEMO_SQUARE_TOKEN, DEMO_SUPABASE_KEY } from '../src/index.js';
import { INSTANCE_TENANT, startIntegrationsWorkers, startReferenceServers } from './support/instances.js';

const main = new URL('../dist/main.js', import.meta.url).pathname;
let cluster: PostgresCluster;
let square: Listening;
let supabase: Listening;
beforeAll(async () => {
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm test does).`);
  cluster = await startPostgresCluster();
  // Instances are separate processes, out of msw's reach: Square is simulated over real HTTP.
  square = await listen(express().use(squareSimulator()));
  supabase = await listen(express().use(supabaseSimulator()));
});
afterAll(async () => {
  await square?.close();
  await supabase?.close();
  cluster?.stop();
});

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

  it('consume an OAuth state issued by one instance once, however many instances present it', async () => {
    const [a, b] = await startIntegrationsWorkers({ databaseUrl: cluster.freshDatabase() });
    if (!a || !b) throw new Error('two workers expected');
    try {
      const [handedOver] = await a.call<string[]>('issueOAuthStates', INSTANCE_TENANT, 'stripe', 1);
      expect(await b.call('consumeOAuthStates', 'stripe', [handedOver])).toEqual([
        { tenantId: INSTANCE_TENANT, data: null },
      ]);
      expect(await a.call('consumeOAuthStates', 'stripe', [handedOver])).toEqual([undefined]);
      expect(await b.call('consumeOAuthStates', 'stripe', [handedOver])).toEqual([undefined]);

      // Both processes race for the same 40 states from the same instant: each goes to exactly one.
      const states = await a.call<string[]>('issueOAuthStates', INSTANCE_TENANT, 'stripe', 40);
      const at = Date.now() + 250;
      const [byA, byB] = await Promise.all([
        a.callAt<unknown[]>(at, 'consumeOAuthStates', 'stripe', states),
        b.callAt<unknown[]>(at, 'consumeOAuthStates', 'stripe', states),
      ]);
      const winners = states.map((_, index) => [byA[index], byB[index]].filter(Boolean));
      expect(winners.every((won) => won.length === 1)).toBe(true);
      expect(winners.flat()).toEqual(states.map(() => ({ tenantId: INSTANCE_TENANT, data: null })));
    } finally {
      expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
    }
  });

  it('push one tenant’s sync queue one instance at a time, keeping each record’s changes in order', async () => {
    const [a, b] = await startIntegrationsWorkers({ databaseUrl: cluster.freshDatabase() });
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
