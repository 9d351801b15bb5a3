import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connector, createIntegrations, createKeyRing, type Integrations } from '@pos/integrations-core';
import {
  consoleLogger,
  createReferenceServer,
  readConfig,
  webComponentsBundleBuilt,
  webPages,
} from '@pos/reference-server';
import { integrationsRouter } from '@pos/server-express';
import { createSqliteStorage } from '@pos/storage-sqlite';
import { launchChromium, listen, TEST_KEY_A } from '@pos/test-support';
import express from 'express';
import type { Browser, ElementHandle, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export interface DemoServer {
  url: string;
  integrations: Integrations;
  close(): Promise<void>;
}

/** The reference server in demo mode, in this process, on an ephemeral port with its own database. */
export async function startDemoServer(env: Record<string, string> = {}): Promise<DemoServer> {
  if (!webComponentsBundleBuilt()) {
    throw new Error('The web components browser bundle is missing: run "npm run build" first (npm test does).');
  }
  const dir = mkdtempSync(join(tmpdir(), 'pos-browser-'));
  const config = readConfig({ PORT: '0', POS_DB_PATH: join(dir, 'pos.db'), ...env }, 'demo');
  const server = await createReferenceServer(
    config,
    consoleLogger(() => {}),
  );
  const running = await server.listen();
  return {
    url: running.url,
    integrations: server.integrations,
    async close() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Stores for the demo tenant a Square token Square no longer accepts (as if revoked on Square's
 * side), reloads the page, and tests the connection: the card then says it needs reconnecting.
 */
export async function revokeSquareToken(server: DemoServer, page: Page): Promise<void> {
  await server.integrations.vault.put(
    'demo',
    'square',
    { access_token: 'sq0atp-revoked-token-value-0000' },
    { location_id: 'L-DEMO-MAIN', location_name: 'Demo Coffee — Main St' },
  );
  await page.reload();
  const card = page.locator('pos-integration-card[provider="square"]');
  await expect.poll(() => card.locator('[part~="badge"]').textContent()).toBe('Connected');
  await card.getByRole('button', { name: 'Test connection' }).click();
  await expect.poll(() => card.locator('[part~="badge"]').textContent()).toBe('Reconnect needed');
}

export interface RecordedEvent<Detail = Record<string, unknown>> {
  type: string;
  detail: Detail;
}

export interface DemoPage {
  browser: Browser;
  server: DemoServer;
  /** The demo page at `/`; an uncaught error in it fails the test. */
  page: Page;
  /** The `detail` of every event named in `record`, heard on the document, in order. */
  events: RecordedEvent[];
  /** Content-Security-Policy violations Chromium reported in this page or its popups. */
  cspViolations: string[];
  /** Closes the browser and the server; throws if any CSP violation is left in `cspViolations`. */
  close(): Promise<void>;
}

/** One browser and one demo server for a test file, and a page open on `/`. */
export async function openDemoPage(
  options: { env?: Record<string, string>; viewport?: { width: number; height: number }; record?: string[] } = {},
): Promise<DemoPage> {
  const [browser, server] = await Promise.all([launchChromium(), startDemoServer(options.env)]);
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1200, height: 900 } });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => {
    throw error;
  });
  // The pages are served with a strict CSP: whatever it blocks (in the page or a popup) is a bug.
  const cspViolations: string[] = [];
  page.context().on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  const events: RecordedEvent[] = [];
  if (options.record?.length) {
    await page.exposeFunction('recordPosEvent', (event: RecordedEvent) => events.push(event));
    await page.addInitScript((types: string[]) => {
      for (const type of types) {
        document.addEventListener(type, (event) => {
          const record = (window as unknown as { recordPosEvent(event: RecordedEvent): void }).recordPosEvent;
          record({ type, detail: (event as CustomEvent).detail });
        });
      }
    }, options.record);
  }
  await page.goto(`${server.url}/`);
  return {
    browser,
    server,
    page,
    events,
    cspViolations,
    async close() {
      await browser.close();
      await server.close();
      if (cspViolations.length > 0) throw new Error(`CSP violations:\n${cspViolations.join('\n')}`);
    },
  };
}

const IMAGES = new URL('../../../docs/images/', import.meta.url).pathname;

/**
 * Screenshots of each screen. `UPDATE_SCREENSHOTS=1` writes them to docs/images (committed and
 * used by the docs); otherwise they go to a temporary folder so a test run leaves the tree clean.
 */
export async function screenshot(page: Page, name: string, element?: ElementHandle): Promise<string> {
  const dir = process.env.UPDATE_SCREENSHOTS ? IMAGES : join(tmpdir(), 'pos-screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await (element ?? page).screenshot({ path });
  return path;
}

/** The element that has focus, looking through shadow roots; described as `tag[part]`. */
export function deepFocus(page: Page): Promise<{ host: string[]; tag: string; part: string | null }> {
  return page.evaluate(() => {
    const hosts: string[] = [];
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) {
      hosts.push(active.tagName.toLowerCase());
      active = active.shadowRoot.activeElement;
    }
    return { host: hosts, tag: active?.tagName.toLowerCase() ?? '', part: active?.getAttribute('part') ?? null };
  });
}

/** All text, attribute and input values inside an element, its shadow roots included. */
export function everythingIn(element: Locator): Promise<string> {
  return element.evaluate((host) => {
    const out: string[] = [];
    const visit = (root: Element | ShadowRoot) => {
      out.push(root.textContent ?? '');
      for (const element of root.querySelectorAll('*')) {
        for (const attribute of element.attributes) out.push(attribute.value);
        if (element instanceof HTMLInputElement) out.push(element.value);
        if (element.shadowRoot) visit(element.shadowRoot);
      }
    };
    visit(host);
    if (host.shadowRoot) visit(host.shadowRoot);
    return out.join('\n');
  });
}

export interface HostPage {
  demo: DemoPage;
  /** The host's page, open at `/<name>` on the demo server. */
  page: Page;
  /** Uncaught errors in the host's page. */
  errors: Error[];
  /** Closes the page, the browser and the server; throws if the page had uncaught errors. */
  close(): Promise<void>;
}

/**
 * A page of a host's own at the demo server's origin, so its elements reach the API there (and
 * without the demo page's CSP). `prepare` adds routes before the page loads: the files it imports,
 * or an answer the server would rarely give.
 */
export async function openHostPage(
  name: string,
  body: string,
  prepare: (page: Page) => Promise<unknown> = async () => {},
): Promise<HostPage> {
  const demo = await openDemoPage();
  const page = await demo.browser.newPage();
  page.setDefaultTimeout(15_000);
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  const url = `${demo.server.url}/${name}`;
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body }));
  await prepare(page);
  await page.goto(url);
  return {
    demo,
    page,
    errors,
    async close() {
      await page.close();
      await demo.close();
      if (errors.length > 0) throw new Error(`Uncaught errors in ${name}:\n${errors.join('\n')}`);
    },
  };
}

export interface HostServer {
  url: string;
  integrations: Integrations;
  close(): Promise<void>;
}

/** The key `startHostServer`'s page is signed in with, for the tenant `store-1`. */
export const HOST_API_KEY = 'store-1-key-0123456789abcdef';

/**
 * A host's own server in real mode (the page carries no key; the merchant types
 * {@link HOST_API_KEY}): its settings page and the router for `connectors`, over a fresh
 * database, on an ephemeral port. `before` is mounted first (a provider's consent page).
 */
export async function startHostServer(connectors: Connector[], before?: express.Router): Promise<HostServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-host-'));
  const integrations = createIntegrations({
    storage: await createSqliteStorage({ filename: join(dir, 'pos.db') }),
    cipher: createKeyRing({ keys: [{ key: TEST_KEY_A }] }),
    connectors,
  });
  const app = express();
  if (before) app.use(before);
  app.use(webPages({ capabilities: integrations.capabilities() }));
  app.use(
    integrationsRouter(integrations, {
      resolveTenant: (req) => (req.get('authorization') === `Bearer ${HOST_API_KEY}` ? 'store-1' : undefined),
    }),
  );
  const server = await listen(app);
  return {
    url: server.url,
    integrations,
    async close() {
      await server.close();
      await integrations.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
