import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, consoleLogger, createReferenceServer, type RunningServer, readConfig } from '../src/index.js';

const quiet = consoleLogger(() => {});
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-hardening-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(env: Record<string, string> = {}, dataDir = mkdtempSync(join(dir, 'demo-'))) {
  const config = readConfig({ PORT: '0', POS_DB_PATH: join(dataDir, 'pos.db'), ...env }, 'demo');
  return (await createReferenceServer(config, quiet)).listen();
}

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | null): Record<string, string[]> {
  return Object.fromEntries(
    (header ?? '')
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name as string, values]),
  );
}

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('the pages: Content-Security-Policy, nosniff, framing', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server.close());

  it('serves the settings page with a CSP that allows no inline script, and no inline script in it', async () => {
    for (const path of ['/', '/settings/integrations']) {
      const page = await fetch(`${server.url}${path}`);
      const html = await page.text();
      const csp = directives(page.headers.get('content-security-policy'));
      expect(csp['script-src']).toEqual(["'self'"]);
      expect(csp['default-src']).toEqual(["'self'"]);
      expect(csp['connect-src']).toEqual(["'self'"]);
      expect(csp['object-src']).toEqual(["'none'"]);
      expect(csp['base-uri']).toEqual(["'none'"]);
      expect(csp['frame-ancestors']).toEqual(["'none'"]);
      expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      // Every script is a file; the one style block is allowed by its hash, nothing else inline.
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.map(([, attributes, body]) => [attributes, body])).toEqual([
        [' type="module" src="/settings-page.js"', ''],
      ]);
      const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(([, body]) => body as string);
      expect(styles).toHaveLength(1);
      expect(csp['style-src']).toEqual(["'self'", hashOf(styles[0] as string)]);
      expect(html).not.toMatch(/\son[a-z]+=/i);
    }
  });

  it('serves the page script as JavaScript, importing the variant bundle', async () => {
    const script = await fetch(`${server.url}/settings-page.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await script.text()).toMatch(/^import \* as pos from "\/assets\/pos-web-components\.js";/);
  });

  it('sends the same headers on the checkout return page, and nosniff on API answers and assets', async () => {
    const back = await fetch(`${server.url}/checkout/return?order_id=O-1&result=cancel`);
    const html = await back.text();
    const csp = directives(back.headers.get('content-security-policy'));
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['style-src']).toEqual(["'self'", hashOf(/<style>([\s\S]*?)<\/style>/.exec(html)?.[1] as string)]);
    expect(back.headers.get('x-content-type-options')).toBe('nosniff');
    const api = apiClient(server.url);
    for (const path of ['/api/capabilities', '/api/nothing-here']) {
      expect((await api('GET', path)).headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    const missing = await api('GET', '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ success: false, error_code: 'NOT_FOUND' });
    const bundle = await fetch(`${server.url}/assets/pos-web-components.js`);
    expect(bundle.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it("lets POS_FRAME_ANCESTORS name who may frame the pages, and refuses anything that is not an origin or 'self'", async () => {
    const framed = await start({ POS_FRAME_ANCESTORS: "https://pos.example.com, https://*.shop.example 'self'" });
    try {
      const page = await fetch(`${framed.url}/`);
      expect(directives(page.headers.get('content-security-policy'))['frame-ancestors']).toEqual([
        'https://pos.example.com',
        'https://*.shop.example',
        "'self'",
      ]);
      expect(page.headers.get('x-frame-options')).toBeNull();
    } finally {
      await framed.close();
    }
    for (const value of ['https://a.example; script-src *', '*', 'javascript:alert(1)', "'unsafe-inline'"]) {
      expect(() => readConfig({ POS_FRAME_ANCESTORS: value }, 'demo'), value).toThrow(ConfigError);
      expect(() => readConfig({ POS_FRAME_ANCESTORS: value }, 'demo'), value).toThrow(/POS_FRAME_ANCESTORS/);
    }
  });
});

describe('files demo mode creates', () => {
  it('are readable by their owner only: the demo key, the webhook secret and the SQLite files', async () => {
    const dataDir = join(mkdtempSync(join(dir, 'files-')), 'data');
    const server = await start({}, dataDir);
    try {
      // Demo mode seeds its sample data at start, so SQLite has its -wal and -shm already.
      const files = readdirSync(dataDir).sort();
      expect(files).toEqual(
        expect.arrayContaining(['demo-encryption.key', 'demo-stripe-webhook.secret', 'pos.db', 'pos.db-wal']),
      );
      for (const file of files) {
        expect((statSync(join(dataDir, file)).mode & 0o777).toString(8), file).toBe('600');
      }
    } finally {
      await server.close();
    }
  });
});
