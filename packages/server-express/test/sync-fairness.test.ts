import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { supabase } from '@pos/connector-supabase';
import { ManualClock, type SupabaseStack, startSupabaseStack } from '@pos/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

const setupSql = readFileSync(createRequire(import.meta.url).resolve('@pos/connector-supabase/setup.sql'), 'utf8');

/**
 * A Supabase project whose writes hang: a proxy in front of the real stack that forwards reads
 * at once and holds every write until `release()`, like an endpoint that stopped answering.
 */
async function slowProject(upstream: string) {
  const held: Array<() => void> = [];
  let writes = 0;
  let releasing = false;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const out = request(new URL(req.url ?? '/', upstream), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  };
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' || req.method === 'HEAD' || releasing) return forward(req, res);
    writes += 1;
    req.pause();
    held.push(() => {
      req.resume();
      forward(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Writes received so far (held or not). */
    writes: () => writes,
    release() {
      releasing = true;
      for (const go of held.splice(0)) go();
    },
    /** Holds writes again, counting from zero. */
    hold() {
      releasing = false;
      writes = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let stack: SupabaseStack;
let slow: Awaited<ReturnType<typeof slowProject>>;
let server: TestServer;
const clock = new ManualClock();

beforeAll(async () => {
  stack = await startSupabaseStack({ setupSql });
  slow = await slowProject(stack.projectUrl);
});
afterEach(async () => {
  slow.release();
  await server?.close();
  slow.hold();
  stack.sql('truncate pos_products');
});
afterAll(async () => {
  await slow?.close();
  await stack?.stop();
});

async function start(sync: { concurrency: number; tenantBudgetMs: number }) {
  server = await startTestServer({
    clock,
    connectors: [supabase({ retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, timeoutMs: 120_000 })],
    sync,
    // Both projects are local: the guard lets exactly these two through.
    outbound: { allowedPrivateHosts: [new URL(slow.url).host, new URL(stack.projectUrl).host] },
  });
  // Tenant A's project is the slow one; tenant B's answers normally.
  for (const [tenantId, projectUrl] of [
    ['tenant-a', slow.url],
    ['tenant-b', stack.projectUrl],
  ] as const) {
    const connected = await server.as(tenantId)('POST', '/api/integrations/supabase/credentials', {
      body: { project_url: projectUrl, service_key: stack.secretKey },
    });
    expect(connected.status).toBe(200);
  }
}

async function seed(tenantId: string, count: number) {
  const seeded = await server.as(tenantId)('POST', '/api/data-manager/seed', {
    body: { entity_type: 'products', count },
  });
  expect(seeded.status).toBe(201);
}

const remoteRows = (tenantId: string) =>
  stack.rows(`select sku from pos_products where tenant_id = '${tenantId}'`).length;
const pending = async (tenantId: string) =>
  (await server.as(tenantId)('GET', '/api/integrations/supabase/summary')).body.pending_queue_count;

describe('the periodic Supabase push is fair across tenants', () => {
  it('gives up on a slow tenant after its budget: another tenant’s rows still arrive in the same pass', async () => {
    // One tenant at a time, so only the budget stands between tenant A's hung push and tenant B.
    await start({ concurrency: 1, tenantBudgetMs: 2_000 });
    await seed('tenant-a', 5);
    await seed('tenant-b', 5);

    const first = await server.integrations.sync.flushPending();
    expect(first).toMatchObject({ failed: ['tenant-a'], flushed: ['tenant-b'] });
    expect(remoteRows('tenant-b')).toBe(5);
    expect(await pending('tenant-b')).toBe(0);
    expect(remoteRows('tenant-a')).toBe(0);
    expect(await pending('tenant-a')).toBe(5);
    expect(slow.writes()).toBe(1);

    // Tenant A backs off like a failing tenant: the next pass leaves it alone, and sends nothing.
    await seed('tenant-b', 2);
    const second = await server.integrations.sync.flushPending();
    expect(second).toMatchObject({ skipped: ['tenant-a'], flushed: ['tenant-b'] });
    expect(remoteRows('tenant-b')).toBe(7);
    expect(slow.writes()).toBe(1);

    // The endpoint answers again: the abandoned push finishes its request and settles it.
    slow.release();
    await expect.poll(() => pending('tenant-a')).toBe(0);
    expect(remoteRows('tenant-a')).toBe(5);
    const logs = (await server.as('tenant-a')('GET', '/api/integrations/supabase/logs')).body as {
      logs: Array<{ event: string; message: string }>;
    };
    expect(logs.logs.map((log) => log.event)).toContain('sync_completed');

    // Its backoff still holds until its time has passed on the clock, then it is pushed again.
    await seed('tenant-a', 3);
    expect((await server.integrations.sync.flushPending()).skipped).toEqual(['tenant-a']);
    clock.advance(30_001);
    expect(await server.integrations.sync.flushPending()).toMatchObject({ flushed: ['tenant-a'] });
    expect(remoteRows('tenant-a')).toBe(8);
  });

  it('pushes several tenants at once: a hung push does not hold up the others', async () => {
    await start({ concurrency: 4, tenantBudgetMs: 60_000 });
    await seed('tenant-a', 5);
    await seed('tenant-b', 5);

    const pass = server.integrations.sync.flushPending();
    // Tenant B's rows arrive while tenant A's push is still waiting on its endpoint.
    await expect.poll(() => remoteRows('tenant-b')).toBe(5);
    expect(slow.writes()).toBe(1);
    expect(remoteRows('tenant-a')).toBe(0);
    slow.release();
    expect(await pass).toMatchObject({ flushed: ['tenant-b', 'tenant-a'] });
    expect(remoteRows('tenant-a')).toBe(5);
  });
});
