import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Listening, listen, type NodeProcess, spawnNode } from '@pos/test-support';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const AUTHORIZATION = 'Bearer user-session-token-0123456789';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
}

/** A server that records every request it gets and answers JSON. */
async function recordingServer(name: string): Promise<Listening & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const app = express();
  app.use((req, res) => {
    seen.push({ method: req.method, url: req.url, authorization: req.get('authorization') });
    res.json({ from: name });
  });
  return Object.assign(await listen(app), { seen });
}

/** A raw request: the target goes on the request line exactly as given, as a hostile client sends it. */
function raw(base: string, target: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: hostname, port, path: target, method: 'GET', headers: { authorization: AUTHORIZATION } },
      (answer) => {
        let body = '';
        answer.on('data', (chunk) => {
          body += chunk;
        });
        answer.on('end', () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

let dir: string;
let api: Awaited<ReturnType<typeof recordingServer>>;
let elsewhere: Awaited<ReturnType<typeof recordingServer>>;
let embed: NodeProcess;
let url: string;

beforeAll(async () => {
  // serve.mjs copied into a folder with a sibling whose name starts the same; the packages are
  // found through a node_modules link beside them, as in a checkout.
  dir = mkdtempSync(join(tmpdir(), 'pos-embed-serve-'));
  mkdirSync(join(dir, 'site'));
  mkdirSync(join(dir, 'site-private'));
  copyFileSync(join(root, 'examples/embed/serve.mjs'), join(dir, 'site/serve.mjs'));
  writeFileSync(join(dir, 'site/page.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(dir, 'site-private/secret.html'), 'not for the web');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  [api, elsewhere] = await Promise.all([recordingServer('api'), recordingServer('elsewhere')]);
  embed = spawnNode(join(dir, 'site/serve.mjs'), { env: { PORT: '0', POS_API_URL: api.url } });
  url = (await embed.waitForOutput(/on (http:\/\/\S+)\//))[1] as string;
});

afterAll(async () => {
  await embed?.stop();
  await Promise.all([api?.close(), elsewhere?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('examples/embed/serve.mjs', () => {
  it('forwards /api/* with its Authorization to the configured API origin', async () => {
    const answer = await raw(url, '/api/capabilities?x=1');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ from: 'api' });
    expect(api.seen.at(-1)).toEqual({ method: 'GET', url: '/api/capabilities?x=1', authorization: AUTHORIZATION });
  });

  it('never forwards to another server, whatever the request target names', async () => {
    const { host } = new URL(elsewhere.url);
    const before = api.seen.length;
    for (const target of [`//${host}/api/x`, `/\\${host}/api/x`, `http://${host}/api/x`, `//${host}/x`]) {
      const answer = await raw(url, target);
      expect(answer.status, target).toBe(400);
    }
    expect(elsewhere.seen).toEqual([]);
    expect(api.seen).toHaveLength(before);
  });

  it('serves files of its own folder only, comparing whole path segments', async () => {
    expect((await raw(url, '/page.html')).status).toBe(200);
    for (const target of ['/..%2fsite-private/secret.html', '/%2e%2e%2fsite-private%2fsecret.html', '/%E0%A4%A']) {
      const answer = await raw(url, target);
      expect(answer.status, target).toBe(404);
      expect(answer.body).not.toContain('not for the web');
    }
    // Still serving after the malformed escape.
    expect((await raw(url, '/page.html')).status).toBe(200);
  });
});
