import { readFileSync } from 'node:fs';
import { apiClient } from '@pos/test-support';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostPage, openHostPage } from './harness.js';

// What a host page builds on: the parts <pos-integrations> forwards from its cards, and the slots
// where the card and the Data Manager take the host's own content.

const DEMO_KEY = 'pos_demo_key_not_for_production';

const HOST_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <style>
      pos-integrations::part(card-badge-disconnected) { outline: 3px solid rgb(1, 2, 3); }
      pos-integrations::part(card-save-button) { outline: 3px solid rgb(4, 5, 6); }
      pos-integrations::part(card-badge-connected) { outline: 3px solid rgb(7, 8, 9); }
      pos-integrations::part(card-test-button) { outline: 3px solid rgb(10, 11, 12); }
    </style>
  </head>
  <body>
    <pos-integrations token="${DEMO_KEY}"></pos-integrations>
    <pos-integration-card id="own" provider="square" token="${DEMO_KEY}">
      <a slot="header-actions" href="#square-help">Square help</a>
      <p slot="summary-empty">Your Square account shares no details.</p>
      <p slot="logs-empty">Nothing logged for this filter.</p>
    </pos-integration-card>
    <pos-data-manager id="plain" token="${DEMO_KEY}"></pos-data-manager>
    <pos-data-manager id="own-empty" token="${DEMO_KEY}">
      <p slot="empty">Start by importing your catalogue.</p>
    </pos-data-manager>
    <script type="module">import '/assets/pos-web-components.js';</script>
  </body>
</html>`;

let host: HostPage;
let page: Page;
let listed: Locator;
let own: Locator;

/** Whether an element inside a shadow root has a box, i.e. is rendered (unassigned fallbacks have none). */
const rendered = (locator: Locator) => locator.evaluate((element) => element.getClientRects().length > 0);

beforeAll(async () => {
  // Both states are rare on a real server: a summary with nothing in it, and no batch at all.
  const path = (pathname: string) => (url: URL) => url.pathname === pathname;
  host = await openHostPage('host.html', HOST_PAGE, (page) =>
    Promise.all([
      page.route(path('/api/integrations/square/summary'), (route) => route.fulfill({ json: {} })),
      page.route(path('/api/data-manager/batches'), (route) => route.fulfill({ json: [] })),
    ]),
  );
  page = host.page;
  listed = page.locator('pos-integrations pos-integration-card[provider="square"]');
  own = page.locator('#own');
});

afterAll(async () => {
  await host?.close();
});

describe('<pos-integrations> forwards its cards’ parts', () => {
  it('as card-<part> for every part the card documents, badge states and buttons included', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../custom-elements.json', import.meta.url), 'utf8')) as {
      modules: Array<{ declarations?: Array<{ tagName?: string; cssParts?: Array<{ name: string }> }> }>;
    };
    const documented = manifest.modules
      .flatMap((module) => module.declarations ?? [])
      .find((declaration) => declaration.tagName === 'pos-integration-card')
      ?.cssParts?.map((part) => part.name);
    expect(documented).toEqual(expect.arrayContaining(['badge-connected', 'save-button', 'confirm-button']));
    await listed.locator('[part~="badge"]').waitFor();
    const forwarded = ((await listed.getAttribute('exportparts')) ?? '').split(/,\s*/);
    for (const part of documented ?? []) expect(forwarded, part).toContain(`${part}:card-${part}`);
  });

  it('so a page styles a badge state and a single button of a listed card', async () => {
    const outline = (locator: Locator) => locator.evaluate((element) => getComputedStyle(element).outlineColor);
    expect(await outline(listed.locator('[part~="badge-disconnected"]'))).toBe('rgb(1, 2, 3)');
    expect(await outline(listed.locator('[part~="save-button"]'))).toBe('rgb(4, 5, 6)');
    // The card outside <pos-integrations> is not reached by those rules.
    expect(await outline(own.locator('[part~="save-button"]'))).not.toBe('rgb(4, 5, 6)');

    const connected = await apiClient(host.demo.server.url, { token: DEMO_KEY })(
      'POST',
      '/api/integrations/square/credentials',
      { body: { access_token: 'sq0atp-demo-square-access-token', location_id: 'L-DEMO-MAIN' } },
    );
    expect(connected.body).toMatchObject({ success: true });
    // The cards learn of it when they next ask for their status.
    for (const card of [listed, own]) {
      await card.evaluate((element) => (element as HTMLElement & { refresh(): Promise<void> }).refresh());
    }
    await listed.locator('[part~="badge-connected"]').waitFor();
    expect(await outline(listed.locator('[part~="badge-connected"]'))).toBe('rgb(7, 8, 9)');
    expect(await outline(listed.locator('[part~="test-button"]'))).toBe('rgb(10, 11, 12)');
  });
});

describe('<pos-integration-card> slots', () => {
  it('puts the host’s header actions in the header, after the status badge', async () => {
    const help = own.getByRole('link', { name: 'Square help' });
    await help.waitFor();
    expect(await help.evaluate((link) => link.assignedSlot?.name)).toBe('header-actions');
    const header = await own.locator('article > [part="header"]').boundingBox();
    const badge = await own.locator('[part~="badge"]').boundingBox();
    const link = await help.boundingBox();
    expect(header && badge && link).toBeTruthy();
    if (!header || !badge || !link) return;
    expect(link.y).toBeGreaterThanOrEqual(header.y);
    expect(link.y + link.height).toBeLessThanOrEqual(header.y + header.height + 1);
    expect(link.x).toBeGreaterThanOrEqual(badge.x + badge.width);
  });

  it('shows the host’s empty summary in place of the default line', async () => {
    const fallback = (card: Locator) => card.locator('[part="summary-empty"]');
    await expect.poll(() => fallback(listed).textContent()).toBe('No account details to show yet.');
    expect(await rendered(fallback(listed))).toBe(true);
    const mine = own.getByText('Your Square account shares no details.');
    await expect.poll(() => rendered(mine)).toBe(true);
    expect(await rendered(fallback(own))).toBe(false);
  });

  it('shows the host’s empty logs line in the drawer in place of the default', async () => {
    const emptyLogs = async (card: Locator) => {
      await card.getByRole('button', { name: 'View logs' }).click();
      const drawer = card.locator('dialog[part="drawer"]');
      await drawer.getByLabel('Level').selectOption('error');
      await expect.poll(() => drawer.locator('[part~="entry"]').count()).toBe(0);
      return drawer;
    };
    let drawer = await emptyLogs(listed);
    await expect.poll(() => rendered(drawer.locator('[part="empty"]'))).toBe(true);
    await page.keyboard.press('Escape');

    drawer = await emptyLogs(own);
    await expect.poll(() => rendered(own.getByText('Nothing logged for this filter.'))).toBe(true);
    expect(await drawer.locator('[part="empty"]').count()).toBe(0);
    await page.keyboard.press('Escape');
  });
});

describe('<pos-data-manager> slots', () => {
  it('shows the host’s empty state in place of the default line while there is no batch', async () => {
    const plain = page.locator('#plain [part="empty"]');
    await expect.poll(() => plain.textContent()).toBe('No batches yet: generate sample data or import a file.');
    expect(await rendered(plain)).toBe(true);
    const mine = page.locator('#own-empty').getByText('Start by importing your catalogue.');
    await expect.poll(() => rendered(mine)).toBe(true);
    expect(await rendered(page.locator('#own-empty [part="empty"]'))).toBe(false);
  });
});
