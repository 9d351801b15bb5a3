import { apiClient } from '@pos/test-support';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoPage,
  type DemoServer,
  deepFocus,
  everythingIn,
  openDemoPage,
  revokeSquareToken,
  screenshot,
} from './harness.js';

const DEMO_KEY = 'pos_demo_key_not_for_production';
const SQUARE_TOKEN = 'sq0atp-demo-square-access-token';
const SQUARE_LOCATION = 'L-DEMO-MAIN';
const SUPABASE_KEY = 'sb_secret_demo_supabase_key_not_for_production';
const WOOCOMMERCE_KEY = 'ck_demo0woocommerce0key0not0for0production';
const WOOCOMMERCE_SECRET = 'cs_demo0woocommerce0secret0not0for0production';

let demo: DemoPage;
let server: DemoServer;
let page: Page;
let card: Locator;
let drawer: Locator;

beforeAll(async () => {
  demo = await openDemoPage({ viewport: { width: 1200, height: 860 } });
  ({ server, page } = demo);
  card = page.locator('pos-integration-card[provider="square"]');
  drawer = card.locator('dialog[part="drawer"]');
});

afterAll(async () => {
  await demo?.close();
});

const badge = () => card.locator('[part~="badge"]');
const toast = () => card.locator('[part="toast"]');

describe('<pos-integrations> on the demo page', () => {
  it('shows one card per offered integration, the credentials form built from the server fields', async () => {
    await expect.poll(() => badge().textContent()).toBe('Not connected');
    // Demo mode offers Square, Supabase, WooCommerce and the simulated Stripe and Clover.
    await expect
      .poll(() =>
        page.locator('pos-integration-card').evaluateAll((cards) => cards.map((card) => card.getAttribute('provider'))),
      )
      .toEqual(['square', 'supabase', 'woocommerce', 'stripe', 'clover', 'quickbooks']);
    // No event delivery configured: no "Event delivery" entry.
    expect(await page.locator('pos-integrations [part="events"]').count()).toBe(0);
    const token = card.getByLabel('Access token');
    expect(await token.getAttribute('type')).toBe('password');
    expect(await card.getByLabel('Location ID').getAttribute('type')).toBe('text');
    // The connector's default is shown chosen, in words, instead of an empty "Default" choice.
    expect(await card.getByLabel('Environment').locator('option').allTextContents()).toEqual(['Production', 'Sandbox']);
    expect(await card.getByLabel('Environment').inputValue()).toBe('production');

    // An empty form: each field says it is required, once, by its label; the form does not repeat it.
    await card.getByRole('button', { name: 'Save and connect' }).click();
    await card.locator('[part="form-error"]').waitFor();
    expect(await card.locator('[part="form-error"]').textContent()).toBe('Check the fields marked above.');
    expect(await card.locator('.field-error').allTextContents()).toEqual([
      'Access token is required',
      'Location ID is required',
    ]);
    expect(await token.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'integrations-disconnected');
  });

  it('refuses a wrong token with the server message and connects Square with the demo token', async () => {
    await card.getByLabel('Access token').fill('sq0atp-not-the-demo-token-at-all');
    await card.getByLabel('Location ID').fill(SQUARE_LOCATION);
    await card.getByRole('button', { name: 'Save and connect' }).click();
    const alert = card.locator('[part="form-error"]');
    await alert.waitFor();
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.textContent()).toContain('Square access token was rejected');
    expect(await badge().textContent()).toBe('Not connected');

    await card.getByLabel('Access token').fill(SQUARE_TOKEN);
    await card.getByRole('button', { name: 'Save and connect' }).click();
    await expect.poll(() => badge().textContent()).toBe('Connected');
    await card.locator('[part="summary"]').getByText('Demo Coffee — Main St').waitFor();
    expect(await card.locator('[part="summary"]').textContent()).toContain('1 Main St, Springfield, IL 62701, US');
    expect(await toast().textContent()).toContain('Square connected.');
    expect(await card.locator('form').count()).toBe(0);

    // The secret is never echoed back into the page, and nothing is kept in web storage.
    expect(await everythingIn(card)).not.toContain(SQUARE_TOKEN);
    expect(await everythingIn(card)).toContain('Demo Coffee');
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    await screenshot(page, 'integrations-connected');
  });

  it('tests the connection and announces the result in an aria-live toast', async () => {
    await card.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => toast().textContent()).toContain('location "Demo Coffee — Main St" is reachable');
    expect(await toast().getAttribute('aria-live')).toBe('polite');
    await expect.poll(() => card.locator('[part="meta"]').textContent()).toContain('Last tested');
    await screenshot(page, 'integration-tested');
  });

  it('opens the logs newest first, filters them, loads more, traps focus and closes on Escape', async () => {
    // Enough entries for a second page (the drawer asks for 20 at a time).
    const api = apiClient(server.url, { token: DEMO_KEY });
    for (let i = 0; i < 20; i++) await api('POST', '/api/integrations/square/test');

    await card.getByRole('button', { name: 'View logs' }).click();
    await drawer.waitFor();
    expect(await drawer.getByRole('heading').textContent()).toBe('Square logs');
    const entries = drawer.locator('[part~="entry"]');
    await expect.poll(() => entries.count()).toBe(20);
    expect(await entries.first().locator('.event').textContent()).toBe('tested');
    const times = await drawer
      .locator('time')
      .evaluateAll((nodes) => nodes.map((node) => [node.getAttribute('datetime') ?? '', node.textContent ?? '']));
    const stamps = times.map(([iso]) => Date.parse(iso ?? ''));
    expect(stamps).toEqual([...stamps].sort((a, b) => b - a));
    expect(times[0]?.[1]).not.toMatch(/T\d\d:/); // readable, not ISO-8601

    await drawer.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => entries.count()).toBe(23);
    expect(await entries.nth(21).locator('.event').textContent()).toBe('connected');
    expect(await entries.nth(22).locator('.event').textContent()).toBe('connect_failed');
    expect(await drawer.getByRole('button', { name: 'Load more' }).count()).toBe(0);

    await drawer.getByLabel('Level').selectOption('error');
    await expect.poll(() => entries.count()).toBe(1);
    expect(await entries.first().locator('.event').textContent()).toBe('connect_failed');
    await entries.first().getByText('Details').click();
    expect(await entries.first().locator('pre').textContent()).toContain('SQUARE_INVALID_TOKEN');
    await screenshot(page, 'logs-drawer');

    await drawer.getByLabel('Level').selectOption('');
    await drawer.getByLabel('Event').selectOption('connected');
    await expect.poll(() => entries.count()).toBe(1);
    expect(await entries.first().locator('.message').textContent()).toBe('Square connected.');

    // Focus stays inside the drawer both ways round.
    for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      const focus = await deepFocus(page);
      expect(focus.host).toContain('pos-integration-logs-drawer');
    }

    await page.keyboard.press('Escape');
    await expect.poll(() => drawer.isVisible()).toBe(false);
    expect(await deepFocus(page)).toMatchObject({ tag: 'button', part: 'button logs-button' });
  });

  it('disconnects only after confirmation', async () => {
    await card.getByRole('button', { name: 'Disconnect' }).click();
    const dialog = card.getByRole('dialog', { name: 'Disconnect Square?' });
    await dialog.waitFor();
    await screenshot(page, 'disconnect-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await badge().textContent()).toBe('Connected');

    await card.getByRole('button', { name: 'Disconnect' }).click();
    await dialog.getByRole('button', { name: 'Disconnect' }).click();
    await expect.poll(() => badge().textContent()).toBe('Not connected');
    expect(await toast().textContent()).toContain('Square disconnected.');
    expect(await card.getByLabel('Access token').inputValue()).toBe('');
    expect(await deepFocus(page)).toMatchObject({ tag: 'input' });
    const status = await apiClient(server.url, { token: DEMO_KEY })('GET', '/api/integrations/square/status');
    expect(status.body).toMatchObject({ connected: false });
  });

  it('says clearly when Square stopped accepting the stored token, and lets the merchant reconnect', async () => {
    // The token stored for the tenant is one Square no longer accepts (revoked on Square's side).
    await revokeSquareToken(server, page);
    expect(await badge().textContent()).toBe('Reconnect needed');
    const notice = card.locator('[part="reconnect"]');
    expect(await notice.getAttribute('role')).toBe('alert');
    expect(await notice.textContent()).toContain('no longer accepts the stored credentials');
    expect(await toast().textContent()).toContain('was rejected');
    await screenshot(page, 'integration-reconnect-needed');

    await card.getByLabel('Access token').fill(SQUARE_TOKEN);
    await card.getByLabel('Location ID').fill(SQUARE_LOCATION);
    await card.getByRole('button', { name: 'Save and connect' }).click();
    await expect.poll(() => badge().textContent()).toBe('Connected');
    expect(await card.locator('[part="reconnect"]').count()).toBe(0);
  });

  it('connects the simulated Supabase project from its card, and shows the live summary', async () => {
    const supabase = page.locator('pos-integration-card[provider="supabase"]');
    const projectUrl = `${server.url}/demo/supabase`;
    // The demo banner names the simulated project with this server's own address.
    expect(await page.locator('.demo').textContent()).toContain(projectUrl);
    await supabase.getByLabel('Project URL').fill(projectUrl);
    const key = supabase.getByLabel('Secret key');
    expect(await key.getAttribute('type')).toBe('password');
    await key.fill('sb_secret_not_the_demo_key_0000');
    await supabase.getByRole('button', { name: 'Save and connect' }).click();
    await supabase.locator('[part="form-error"]').getByText('Invalid API key').waitFor();

    await key.fill(SUPABASE_KEY);
    await supabase.getByRole('button', { name: 'Save and connect' }).click();
    await expect.poll(() => supabase.locator('[part~="badge"]').textContent()).toBe('Connected');
    const summary = supabase.locator('[part="summary"]');
    await summary.getByText('pos_products, pos_customers, pos_payments').waitFor();
    // Connecting queued every row the demo account already holds.
    const { pending_queue_count } = (
      await apiClient(server.url, { token: DEMO_KEY })('GET', '/api/integrations/supabase/summary')
    ).body as { pending_queue_count: number };
    expect(pending_queue_count).toBeGreaterThan(0);
    // Fields by the names the connector (or core, for the sync figures) gives them, values as words.
    expect(await summary.textContent()).toContain(`Changes waiting to sync${pending_queue_count}`);
    expect(await summary.textContent()).toContain('Reachable nowYes');
    expect(await summary.locator('dt').allTextContents()).toEqual(
      expect.arrayContaining(['Project', 'Project URL', 'PostgREST version']),
    );
    expect((await summary.locator('dt').allTextContents()).join(' ')).not.toMatch(/_|Postgrest/);
    expect(await summary.textContent()).not.toMatch(/\btrue\b|\bfalse\b/);
    expect(await everythingIn(supabase)).not.toContain(SUPABASE_KEY);
    await supabase.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => supabase.locator('[part="toast"]').textContent())
      .toContain('the REST API accepts this key');
    await screenshot(page, 'integrations-supabase-connected');
  });

  it('pushes everything to Supabase again only after a confirmation that says what it does', async () => {
    const supabase = page.locator('pos-integration-card[provider="supabase"]');
    const api = apiClient(server.url, { token: DEMO_KEY });
    const seeded = await api('POST', '/api/data-manager/seed', {
      body: { entity_type: 'products', count: 4, seed: 1 },
    });
    expect(seeded.status).toBe(201);
    expect((await api('POST', '/api/integrations/supabase/sync')).status).toBe(200);
    const pending = async () =>
      ((await api('GET', '/api/integrations/supabase/summary')).body as { pending_queue_count: number })
        .pending_queue_count;
    expect(await pending()).toBe(0);
    // Only a connector that receives the sync outbox offers it.
    expect(await card.getByRole('button', { name: 'Push everything again' }).count()).toBe(0);

    await supabase.getByRole('button', { name: 'Push everything again' }).click();
    const dialog = supabase.getByRole('dialog', { name: 'Push everything to Supabase again?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Every product, customer and payment this POS holds is queued');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await pending()).toBe(0);

    await supabase.getByRole('button', { name: 'Push everything again' }).click();
    await dialog.getByRole('button', { name: 'Push everything again' }).click();
    await expect.poll(() => supabase.locator('[part="toast"]').textContent()).toContain('queued to push again');
    const queued = Number(
      /(\d+) rows? queued/.exec((await supabase.locator('[part="toast"]').textContent()) ?? '')?.[1],
    );
    expect(queued).toBeGreaterThanOrEqual(4);
    expect(await pending()).toBe(queued);
    await expect
      .poll(() => supabase.locator('[part="summary"]').textContent())
      .toContain(`Changes waiting to sync${queued}`);
  });

  it('connects the simulated WooCommerce store from its card, and says the key stays valid until revoked', async () => {
    const woo = page.locator('pos-integration-card[provider="woocommerce"]');
    const storeUrl = `${server.url}/demo/woocommerce`;
    expect(await page.locator('.demo').textContent()).toContain(storeUrl);
    await woo.getByLabel('Store URL').fill(storeUrl);
    expect(await woo.getByLabel('Consumer key').getAttribute('type')).toBe('password');
    expect(await woo.getByLabel('Consumer secret').getAttribute('type')).toBe('password');
    await woo.getByLabel('Consumer key').fill(WOOCOMMERCE_KEY);
    await woo.getByLabel('Consumer secret').fill('cs_not0the0demo0secret0000');
    await woo.getByRole('button', { name: 'Save and connect' }).click();
    await woo.locator('[part="form-error"]').getByText('WooCommerce refused the consumer key or secret').waitFor();

    await woo.getByLabel('Consumer key').fill(WOOCOMMERCE_KEY);
    await woo.getByLabel('Consumer secret').fill(WOOCOMMERCE_SECRET);
    await woo.getByRole('button', { name: 'Save and connect' }).click();
    await expect.poll(() => woo.locator('[part~="badge"]').textContent()).toBe('Connected');
    const summary = woo.locator('[part="summary"]');
    await summary.getByText('Demo Coffee Shop (simulated)').waitFor();
    const fields = await summary.locator('dt').allTextContents();
    const values = await summary.locator('dd').allTextContents();
    expect(Object.fromEntries(fields.map((field, index) => [field, values[index]]))).toMatchObject({
      Store: 'Demo Coffee Shop (simulated)',
      'Store URL': storeUrl,
      Currency: 'USD',
      Products: '15',
    });
    expect(await everythingIn(woo)).not.toContain(WOOCOMMERCE_SECRET);
    expect(await everythingIn(woo)).not.toContain(WOOCOMMERCE_KEY);
    await woo.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => woo.locator('[part="toast"]').textContent()).toContain('runs WooCommerce');
    await screenshot(page, 'integrations-woocommerce-connected', (await woo.elementHandle()) ?? undefined);

    await woo.getByRole('button', { name: 'Disconnect' }).click();
    const dialog = woo.getByRole('dialog', { name: 'Disconnect WooCommerce?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('stays valid in WordPress until you revoke it');
    await dialog.getByRole('button', { name: 'Disconnect' }).click();
    await expect.poll(() => woo.locator('[part~="badge"]').textContent()).toBe('Not connected');
  });

  it('hides a card entirely when the server does not serve that provider (status 404)', async () => {
    const shown = await page.evaluate(async () => {
      const described = document.createElement('pos-integration-card');
      described.token = 'pos_demo_key_not_for_production';
      described.provider = 'xero';
      // Even when told the provider exists, a 404 from its status endpoint removes the card.
      described.integration = { id: 'xero', name: 'Xero', kind: 'oauth' };
      const unknown = document.createElement('pos-integration-card');
      unknown.token = 'pos_demo_key_not_for_production';
      unknown.provider = 'shopify';
      document.body.append(described, unknown);
      const settled = (card: HTMLElement) =>
        new Promise<void>((resolve) => {
          const check = () => (card.hidden ? resolve() : setTimeout(check, 20));
          check();
        });
      await Promise.all([settled(described), settled(unknown)]);
      const result = [described, unknown].map((card) => card.getBoundingClientRect().height);
      described.remove();
      unknown.remove();
      return result;
    });
    expect(shown).toEqual([0, 0]);
  });

  it('shows an error, not cards, when the API key is wrong', async () => {
    await page.evaluate(() => {
      const element = document.querySelector('pos-integrations');
      if (element) element.token = 'not-a-key';
    });
    const alert = page.locator('pos-integrations [part="error"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('A valid API key is required');
    expect(await page.locator('pos-integration-card').count()).toBe(0);
  });
});
