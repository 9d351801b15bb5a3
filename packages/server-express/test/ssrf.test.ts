import { lookup as systemLookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { supabase } from '@pos/connector-supabase';
import type { OutboundResolver } from '@pos/integrations-core';
import { type SupabaseStack, startSupabaseStack } from '@pos/test-support';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot, startTestServer, type TestServer } from './harness.js';

const setupSql = readFileSync(createRequire(import.meta.url).resolve('@pos/connector-supabase/setup.sql'), 'utf8');
const SECRET_KEY = 'sb_secret_0123456789abcdefghijkl';
const LEAK = 'internal-admin-secret';

interface Answer {
  status: number;
  type?: string;
  body?: string;
}

/** A service on this machine that counts every connection and request it receives. */
interface Listener {
  host: string;
  connections: number;
  requests: string[];
  answer: (method: string, path: string) => Answer;
  close(): Promise<void>;
}

async function listener(answer: Listener['answer'] = () => ({ status: 200, body: LEAK })): Promise<Listener> {
  const state = { connections: 0, requests: [] as string[], answer } as Listener;
  const server: Server = createServer((req, res) => {
    state.requests.push(`${req.method} ${req.url}`);
    const { status, type, body } = state.answer(req.method ?? 'GET', req.url ?? '/');
    res.writeHead(status, type ? { 'content-type': type } : {});
    res.end(body);
  });
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return state;
}

/** Test names answered from a table; anything else (localhost) by the system resolver. */
const names: Record<string, string[]> = {
  'internal.test': ['127.0.0.1'],
  // A rebinding name: its first answer is public, its second points inside.
  'rebind.test': ['93.184.215.14', '127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
};
const resolverCalls: string[] = [];
const lookup: OutboundResolver = async (hostname) => {
  resolverCalls.push(hostname);
  const table = names[hostname];
  if (table) return table.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
  return (await systemLookup(hostname, { all: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));
};

let internal: Listener;
// Provider HTTP: a public https host that redirects inward. Test names and loopback pass through
// to the guard (which refuses them); nothing else may leave.
const mock = setupServer(
  http.all('https://moved.example.com/*', () =>
    HttpResponse.text('', { status: 307, headers: { location: `http://${internal.host}/latest/meta-data/` } }),
  ),
);
let stack: SupabaseStack;
let strict: TestServer;
const fast = { attempts: 2, baseDelayMs: 1, maxDelayMs: 10 };

beforeAll(async () => {
  mock.listen({
    onUnhandledRequest(request, print) {
      const { hostname } = new URL(request.url);
      if (hostname === '127.0.0.1' || hostname.endsWith('.test') || hostname === 'localhost') return;
      print.error();
    },
  });
  internal = await listener();
  stack = await startSupabaseStack({ setupSql });
  strict = await startTestServer({ connectors: [supabase({ retry: fast })], outbound: { lookup } });
});
afterAll(async () => {
  await strict?.close();
  await stack?.stop();
  await internal?.close();
  mock.close();
});

describe('a project URL that points inside the server’s network', () => {
  const port = () => internal.host.split(':')[1];
  const forms: Array<[string, () => string, RegExp]> = [
    ['a private address', () => 'https://10.0.0.1:6443', /points to a private address \(10\.0\.0\.1 is a private/],
    ['the metadata service', () => 'https://169.254.169.254', /private address \(169\.254\.169\.254 is a link-local/],
    ['plain http to loopback', () => `http://127.0.0.1:${port()}`, /must use https:\/\//],
    ['loopback', () => `https://127.0.0.1:${port()}`, /private address \(127\.0\.0\.1 is a loopback/],
    ['127.1', () => `https://127.1:${port()}`, /private address \(127\.0\.0\.1 is a loopback/],
    ['2130706433', () => `https://2130706433:${port()}`, /private address \(127\.0\.0\.1 is a loopback/],
    ['localhost', () => `https://localhost:${port()}`, /private address \(localhost does not resolve to a public/],
    ['[::1]', () => `https://[::1]:${port()}`, /private address \(::1 is a loopback/],
    ['[::ffff:127.0.0.1]', () => `https://[::ffff:127.0.0.1]:${port()}`, /private address \(::ffff:7f00:1 is a loop/],
    ['a name resolving inside', () => `https://internal.test:${port()}`, /internal\.test does not resolve to a public/],
    ['a name resolving to metadata', () => 'https://metadata.test', /metadata\.test does not resolve to a public/],
    ['a rebinding name', () => `https://rebind.test:${port()}`, /rebind\.test does not resolve to a public/],
    ['a redirect inward', () => 'https://moved.example.com', /answered with a redirect \(HTTP 307\), which this/],
  ];

  it.each(forms)('%s is refused with 400, stores nothing and reaches nothing', async (_name, url, message) => {
    const api = strict.as('tenant-a');
    const before = snapshot(strict.storage);
    const refused = await api('POST', '/api/integrations/supabase/credentials', {
      body: { project_url: url(), service_key: SECRET_KEY },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ success: false, error_code: 'VALIDATION_FAILED' });
    expect((refused.body as { message: string }).message).toMatch(/^The project URL /);
    expect((refused.body as { message: string }).message).toMatch(message);
    // Nothing of the inside is echoed: not its answer, not where the redirect pointed.
    expect(JSON.stringify(refused.body)).not.toContain(LEAK);
    expect(JSON.stringify(refused.body)).not.toContain('meta-data');
    expect({ ...snapshot(strict.storage), logs: before.logs }).toEqual(before);
    expect((await api('GET', '/api/integrations/supabase/status')).body).toMatchObject({
      connected: false,
      status: 'disconnected',
    });
    expect(internal.connections).toBe(0);
    expect(internal.requests).toEqual([]);
  });

  it('resolved each test name only at connect time, once per attempt', () => {
    // Names are looked up by the socket alone: no separate check that a rebinding could pass.
    expect(resolverCalls.filter((name) => name.endsWith('.test')).sort()).toEqual([
      'internal.test',
      'metadata.test',
      'rebind.test',
    ]);
  });
});

describe('an allowed private host', () => {
  let allowed: TestServer;
  let refusing: TestServer;
  beforeAll(async () => {
    allowed = await startTestServer({
      connectors: [supabase({ retry: fast })],
      outbound: { allowedPrivateHosts: [new URL(stack.projectUrl).host], lookup },
    });
    // The same database served without the allowance, as after the host removed the entry.
    refusing = await startTestServer({
      connectors: [supabase({ retry: fast })],
      sharing: allowed,
      outbound: { lookup },
    });
  });
  afterAll(async () => {
    await refusing?.close();
    await allowed?.close();
  });

  it('connects and syncs over plain http; without the allowance, summary, test and sync reach nothing', async () => {
    const api = allowed.as('tenant-b');
    const connected = await api('POST', '/api/integrations/supabase/credentials', {
      body: { project_url: stack.projectUrl, service_key: stack.secretKey },
    });
    expect(connected.status).toBe(200);
    await allowed.integrations.sync.enqueue('tenant-b', 'products', 'upsert', {
      sku: 'ESP',
      name: 'Espresso',
      price: 300,
      currency: 'EUR',
    });
    expect((await api('POST', '/api/integrations/supabase/sync')).body).toMatchObject({ success: true, delivered: 1 });
    expect(stack.rows(`select sku from pos_products where tenant_id = 'tenant-b'`)).toEqual([{ sku: 'ESP' }]);

    await allowed.integrations.sync.enqueue('tenant-b', 'products', 'upsert', {
      sku: 'CAP',
      name: 'Cappuccino',
      price: 380,
      currency: 'EUR',
    });
    const seen = stack.requests.length;
    const other = refusing.as('tenant-b');
    const summary = await other('GET', '/api/integrations/supabase/summary');
    expect(summary.status).toBe(400);
    expect(summary.body).toMatchObject({ error_code: 'VALIDATION_FAILED', message: /must use https:\/\// });
    const tested = await other('POST', '/api/integrations/supabase/test');
    expect(tested.body).toMatchObject({ success: false, error_code: 'VALIDATION_FAILED' });
    const sync = await other('POST', '/api/integrations/supabase/sync');
    expect(sync.status).toBe(400);
    expect(sync.body).toMatchObject({ error_code: 'VALIDATION_FAILED', details: { pending_queue_count: 1 } });
    expect(stack.requests.length).toBe(seen);
    expect(stack.rows(`select sku from pos_products where tenant_id = 'tenant-b'`)).toEqual([{ sku: 'ESP' }]);
    expect((await other('GET', '/api/integrations/supabase/status')).body).toMatchObject({
      connected: true,
      status: 'error',
      last_error_code: 'VALIDATION_FAILED',
      needs_reconnect: true,
    });
  });
});

describe('answers from a host that is not Supabase', () => {
  let stranger: Listener;
  let allowed: TestServer;
  beforeAll(async () => {
    stranger = await listener();
    allowed = await startTestServer({
      connectors: [supabase({ retry: fast })],
      outbound: { allowedPrivateHosts: [stranger.host] },
    });
  });
  afterAll(async () => {
    await allowed?.close();
    await stranger?.close();
  });

  const url = () => `http://${stranger.host}`;
  const connect = (tenant: string) =>
    allowed.as(tenant)('POST', '/api/integrations/supabase/credentials', {
      body: { project_url: url(), service_key: SECRET_KEY },
    });

  it('are reported by status only at connect, never repeated', async () => {
    const cases: Array<[Answer, RegExp]> = [
      [{ status: 401, type: 'text/html', body: `<h1>${LEAK}</h1>` }, /rejected the service key: .*\(HTTP 401\)/],
      [{ status: 403, type: 'application/json', body: JSON.stringify({ error: LEAK }) }, /\(HTTP 403\)/],
      [{ status: 401, type: 'application/json', body: JSON.stringify({ message: LEAK, extra: 1 }) }, /HTTP 401/],
      [{ status: 200, type: 'application/json', body: JSON.stringify({ data: LEAK }) }, /not its API description/],
      [{ status: 200, type: 'text/plain', body: LEAK }, /not its API description/],
    ];
    for (const [answer, message] of cases) {
      stranger.answer = () => answer;
      const refused = await connect('tenant-a');
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ success: false, error_code: 'SUPABASE_INVALID_CREDENTIALS' });
      expect((refused.body as { message: string }).message).toMatch(message);
      expect(JSON.stringify(refused.body)).not.toContain(LEAK);
    }
    const logs = (await allowed.as('tenant-a')('GET', '/api/integrations/supabase/logs')).body;
    expect(JSON.stringify(logs)).not.toContain(LEAK);
    expect(allowed.logger.lines.join('\n')).not.toContain(LEAK);
  });

  it('keep their text out of the summary, status.last_error, the logs and the sync report', async () => {
    stranger.answer = (method, path) => {
      if (method === 'GET' && path === '/rest/v1/') {
        return {
          status: 200,
          type: 'application/json',
          body: JSON.stringify({ swagger: '2.0', info: { version: `12.0.2 ${LEAK}` }, paths: { '/pos_products': {} } }),
        };
      }
      return { status: 400, type: 'text/plain', body: LEAK };
    };
    const api = allowed.as('tenant-c');
    expect((await connect('tenant-c')).status).toBe(200);
    const summary = await api('GET', '/api/integrations/supabase/summary');
    expect(summary.body).toMatchObject({ postgrest_version: null, tables: ['pos_products'] });
    await allowed.integrations.sync.enqueue('tenant-c', 'products', 'upsert', {
      sku: 'ESP',
      name: 'Espresso',
      price: 300,
      currency: 'EUR',
    });
    const sync = await api('POST', '/api/integrations/supabase/sync');
    expect(sync.body).toMatchObject({ rejected: 1 });
    stranger.answer = () => ({ status: 401, type: 'text/html', body: LEAK });
    const tested = await api('POST', '/api/integrations/supabase/test');
    expect(tested.body).toMatchObject({ success: false, error_code: 'SUPABASE_INVALID_CREDENTIALS' });
    const status = await api('GET', '/api/integrations/supabase/status');
    expect(status.body).toMatchObject({ status: 'error', last_error: expect.stringContaining('HTTP 401') });
    const logs = await api('GET', '/api/integrations/supabase/logs');
    expect(JSON.stringify(logs.body)).toContain('HTTP 400');
    for (const seen of [summary.body, sync.body, tested.body, status.body, logs.body]) {
      expect(JSON.stringify(seen)).not.toContain(LEAK);
    }
    expect(allowed.logger.lines.join('\n')).not.toContain(LEAK);
  });
});
