/**
 * The README's "Web components in a page" as a reader runs it: its HTML saved as index.html and
 * served by `python3 -m http.server`, the built demo server started with the README's
 * `POS_CORS_ORIGINS`, the page opened in Chromium on another origin. Only the ports differ (the
 * README's 3000 and 8000 may be taken here): both are replaced by free ones everywhere.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, type NodeProcess, spawnNode } from '@pos/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const referenceServer = join(root, 'examples/reference-server/dist/main.js');

/** The README section's HTML block and its shell block. */
function snippet(): { html: string; shell: string } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## 3. Web components in a page');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const html = /```html\n([\s\S]*?)```/.exec(section)?.[1];
  const shell = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!html || !shell) throw new Error('README.md: section 3 has no html or sh block');
  return { html, shell };
}

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

let dir: string;
let browser: Browser;
const stops: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  if (!existsSync(referenceServer)) throw new Error(`${referenceServer} is missing: run "npm run build" first.`);
  dir = mkdtempSync(join(tmpdir(), 'pos-readme-embed-'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const stop of stops) await stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('README: web components in a page served by python3 -m http.server', () => {
  it('loads the bundle and every element its data from the demo server on another origin', async () => {
    const { html, shell } = snippet();
    const [apiPort, pagePort] = [await freePort(), await freePort()];
    const ports = (text: string) => text.replaceAll(':3000', `:${apiPort}`).replaceAll(':8000', `:${pagePort}`);

    // The commands as the README gives them.
    expect(shell).toMatch(/^POS_CORS_ORIGINS=(\S+) npm run demo/m);
    expect(shell).toMatch(/^python3 -m http\.server 8000/m);
    expect(shell).toContain('open http://localhost:8000/');
    const corsOrigins = ports(/^POS_CORS_ORIGINS=(\S+)/m.exec(shell)?.[1] as string);

    const site = mkdtempSync(join(dir, 'site-'));
    writeFileSync(join(site, 'index.html'), ports(html));
    const api: NodeProcess = spawnNode(referenceServer, {
      args: ['--demo'],
      cwd: mkdtempSync(join(dir, 'demo-')),
      env: { PORT: String(apiPort), POS_CORS_ORIGINS: corsOrigins },
    });
    stops.push(async () => {
      await api.stop();
    });
    await api.waitForOutput(/URL\s+http:\/\/\S+/);
    const python = spawn('python3', ['-m', 'http.server', String(pagePort)], { cwd: site, stdio: 'ignore' });
    stops.push(() => void python.kill());
    await expect
      .poll(
        () =>
          fetch(`http://127.0.0.1:${pagePort}/`).then(
            (r) => r.status,
            () => 0,
          ),
        { timeout: 60_000 },
      )
      .toBe(200);

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // Chromium reports 404s it was expected to get: the order has no payment yet (the checkout
      // button's lookup), and the static server has no favicon.
      const expected = /\/api\/payments\/orders\/1042\/payment$|\/favicon\.ico$/.test(message.location().url);
      if (message.type() === 'error' && !expected) problems.push(`${message.text()} (${message.location().url})`);
    });
    // Every call the elements make to the API, and its status.
    const calls: string[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.port === String(apiPort)) calls.push(`${response.status()} ${url.pathname}`);
    });
    await page.goto(`http://localhost:${pagePort}/`);

    // Cards from GET /api/integrations, the Square card's form from the connector's fields.
    const square = page.locator('pos-integration-card[provider="square"]');
    await square.getByRole('button', { name: 'Save and connect' }).waitFor();
    const cards = await page
      .locator('pos-integration-card')
      .evaluateAll((all) => all.map((card) => card.getAttribute('provider')));
    expect(cards).toEqual(expect.arrayContaining(['square', 'supabase', 'stripe', 'clover']));
    // The Data Manager lists the demo tenant's seeded batches (its chunk loaded from the API's origin).
    const manager = page.locator('pos-data-manager');
    await manager.getByRole('button', { name: 'Generate' }).waitFor();
    await expect.poll(() => manager.getByRole('row').count(), { timeout: 60_000 }).toBeGreaterThan(1);
    await page.getByRole('radio', { name: 'Card' }).waitFor();
    expect(await page.getByText(/Could not reach|answered 404/).count()).toBe(0);
    // Everything came from the API's origin through CORS: the bundle and its chunks, then the data.
    expect(calls).toEqual(
      expect.arrayContaining([
        '200 /assets/pos-web-components.js',
        '200 /api/capabilities',
        '200 /api/integrations',
        expect.stringMatching(/^200 \/api\/data-manager\/batches/),
        '404 /api/payments/orders/1042/payment', // read by the checkout button: no payment for the order yet
      ]),
    );
    const unexpected = calls.filter((call) => !/^[23]\d\d /.test(call) && !call.endsWith('/orders/1042/payment'));
    expect(unexpected).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});
