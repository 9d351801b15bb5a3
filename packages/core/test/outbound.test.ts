import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundGuard } from '../src/connector.js';
import { checkedLookup } from '../src/http/outbound.js';
import type { OutboundResolver } from '../src/index.js';

/** A listener on loopback that counts every connection and request it receives. */
interface Listener {
  port: number;
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

async function listen(answer: (path: string) => { status: number; headers?: Record<string, string>; body?: string }) {
  const listener = { port: 0, connections: 0, requests: [] as string[] } as Listener;
  const server: Server = createServer((req, res) => {
    listener.requests.push(req.url ?? '/');
    const { status, headers, body } = answer(req.url ?? '/');
    res.writeHead(status, headers);
    res.end(body);
  });
  server.on('connection', () => {
    listener.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  listener.port = (server.address() as AddressInfo).port;
  listener.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return listener;
}

/** A resolver that answers from a table and counts its calls. */
function resolver(table: Record<string, string[]>) {
  const calls: string[] = [];
  const lookup: OutboundResolver = async (hostname) => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`${hostname} not found`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
  };
  return { lookup, calls };
}

let target: Listener;
beforeAll(async () => {
  target = await listen(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }));
});
afterAll(() => target.close());

describe('the outbound guard', () => {
  it('refuses private, loopback, metadata and odd spellings of them before any connection', async () => {
    const { lookup, calls } = resolver({});
    const guard = createOutboundGuard({ lookup });
    const port = target.port;
    for (const url of [
      'https://10.0.0.1:6443',
      'https://169.254.169.254/latest/meta-data/',
      `https://127.0.0.1:${port}/`,
      `https://127.1:${port}/`,
      `https://2130706433:${port}/`,
      `https://0x7f.1:${port}/`,
      `https://[::1]:${port}/`,
      `https://[::ffff:127.0.0.1]:${port}/`,
      `https://[fd00::1]:${port}/`,
      'https://0.0.0.0/',
      'https://[::]/',
      'https://100.64.0.1/',
      'https://224.0.0.1/',
      'https://255.255.255.255/',
    ]) {
      await expect(guard.fetch(url, { subject: 'The project URL' }), url).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        status: 400,
        message: expect.stringMatching(/^The project URL points to a private address \(/),
      });
    }
    expect(calls).toEqual([]);
    expect(target.connections).toBe(0);
    await guard.close();
  });

  it('refuses plain http, other schemes and credentials in the URL, except http for allowed hosts', async () => {
    const guard = createOutboundGuard({ allowedPrivateHosts: [`127.0.0.1:${target.port}`] });
    await expect(guard.fetch('http://abcd.supabase.co')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('must use https://'),
    });
    await expect(guard.fetch(`http://127.0.0.1:${target.port + 1}/`)).rejects.toMatchObject({
      message: expect.stringContaining('must use https://'),
    });
    await expect(guard.fetch('ftp://example.com/')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(guard.fetch('https://user:pass@example.com/')).rejects.toMatchObject({
      message: expect.stringContaining('user name or password'),
    });
    expect(target.connections).toBe(0);
    const response = await guard.fetch(`http://127.0.0.1:${target.port}/allowed`);
    expect(await response.json()).toEqual({ ok: true });
    expect(target.requests).toContain('/allowed');
    await guard.close();
    target.requests.length = 0;
    target.connections = 0;
  });

  it('resolves a name once, at connect time, and refuses it when an answer is private', async () => {
    const { lookup, calls } = resolver({
      'internal.test': ['127.0.0.1'],
      'mixed.test': ['93.184.215.14', '127.0.0.1'],
    });
    const guard = createOutboundGuard({ lookup });
    for (const host of ['internal.test', 'mixed.test']) {
      await expect(
        guard.fetch(`https://${host}:${target.port}/`, { subject: 'The project URL' }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        status: 400,
        // The resolved address is not told: it would describe the server's own network.
        message: `The project URL points to a private address (${host} does not resolve to a public address). This server only calls addresses on the public internet.`,
      });
    }
    expect(calls).toEqual(['internal.test', 'mixed.test']);
    expect(target.connections).toBe(0);
    await guard.close();
  });

  it('refuses localhost as the system resolver answers it', async () => {
    const guard = createOutboundGuard();
    await expect(guard.fetch(`https://localhost:${target.port}/`)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('localhost does not resolve to a public address'),
    });
    expect(target.connections).toBe(0);
    await guard.close();
  });

  it('connects to exactly the address its resolver answered, with no second lookup', async () => {
    // `project.test` exists in no DNS: reaching the listener proves the socket used this answer.
    const { lookup, calls } = resolver({ 'project.test': ['127.0.0.1'] });
    const guard = createOutboundGuard({ lookup, allowedPrivateHosts: [`project.test:${target.port}`] });
    const response = await guard.fetch(`http://project.test:${target.port}/by-name`);
    expect(response.status).toBe(200);
    await response.body?.cancel();
    expect(target.requests).toEqual(['/by-name']);
    expect(calls).toEqual(['project.test']);
    await guard.close();
    target.requests.length = 0;
    target.connections = 0;
  });

  it('checks every lookup on its own, so a rebinding name is refused the moment it turns private', async () => {
    let call = 0;
    const rebinding: OutboundResolver = async () => {
      call += 1;
      return [{ address: call === 1 ? '93.184.215.14' : '127.0.0.1', family: 4 }];
    };
    const lookup = checkedLookup(rebinding, true);
    const answer = (options: { all?: boolean }) =>
      new Promise<unknown>((resolve) =>
        lookup('rebind.test', options, (error, address) => resolve(error ? { error: error.message } : address)),
      );
    // The socket is handed the checked public answer, and never asks again for that connection.
    expect(await answer({ all: true })).toEqual([{ address: '93.184.215.14', family: 4 }]);
    // The next connection's lookup answers private: refused, no address handed over.
    expect(await answer({ all: true })).toEqual({ error: expect.stringContaining('rebind.test') });
    expect(await answer({})).toEqual({ error: expect.stringContaining('rebind.test') });
    expect(call).toBe(3);
  });

  it('does not follow a redirect, and names only its status', async () => {
    const inner = await listen(() => ({ status: 200, body: 'internal secret' }));
    const redirecting = await listen(() => ({
      status: 307,
      headers: { location: `http://127.0.0.1:${inner.port}/admin?token=abc` },
      body: 'moved',
    }));
    const guard = createOutboundGuard({
      allowedPrivateHosts: [`127.0.0.1:${redirecting.port}`, `127.0.0.1:${inner.port}`],
    });
    const failure = await guard
      .fetch(`http://127.0.0.1:${redirecting.port}/rest/v1/`, { subject: 'The project URL' })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
      message:
        'The project URL answered with a redirect (HTTP 307), which this server does not follow. Enter the address that answers directly.',
      details: { reason: 'redirect', http_status: 307 },
    });
    expect(JSON.stringify(failure)).not.toContain(String(inner.port));
    expect(inner.connections).toBe(0);
    expect(redirecting.requests).toEqual(['/rest/v1/']);
    await guard.close();
    await inner.close();
    await redirecting.close();
  });
});

describe('the outbound guard under msw', () => {
  const mock = setupServer(
    http.get('https://abcd.supabase.co/rest/v1/', () => HttpResponse.json({ swagger: '2.0', paths: {} })),
    http.get('https://moved.example.com/rest/v1/', () =>
      HttpResponse.text('', { status: 307, headers: { location: `http://127.0.0.1:${target.port}/` } }),
    ),
  );
  beforeAll(() => mock.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => mock.resetHandlers());
  afterAll(() => mock.close());

  it('lets msw answer a public host without resolving it, and still refuses redirects and private hosts', async () => {
    const { lookup, calls } = resolver({});
    const guard = createOutboundGuard({ lookup });
    const response = await guard.fetch('https://abcd.supabase.co/rest/v1/');
    expect(await response.json()).toEqual({ swagger: '2.0', paths: {} });
    await expect(guard.fetch('https://moved.example.com/rest/v1/')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { http_status: 307 },
    });
    await expect(guard.fetch('https://169.254.169.254/')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(calls).toEqual([]);
    expect(target.connections).toBe(0);
    await guard.close();
  });
});
