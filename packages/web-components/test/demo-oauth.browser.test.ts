import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPage, type DemoServer, openDemoPage, screenshot } from './harness.js';

let demo: DemoPage;
let server: DemoServer;
let page: Page;

beforeAll(async () => {
  demo = await openDemoPage();
  ({ server, page } = demo);
});

afterAll(async () => {
  await demo?.close();
});

describe('the demo page’s OAuth round trips through the simulated consent pages', () => {
  for (const { provider, name, shown, term, reachable, shot } of [
    {
      provider: 'stripe',
      name: 'Stripe',
      shown: 'Demo Coffee (simulated)',
      term: 'Card payments enabled',
      reachable: /Stripe answered: account acct_\.\.\.\w+ \(Demo Coffee \(simulated\)\) is reachable\./,
      shot: 'oauth-connected',
    },
    {
      provider: 'clover',
      name: 'Clover',
      shown: 'Demo Bakery (simulated)',
      term: 'Merchant',
      reachable: /Clover answered: merchant "Demo Bakery \(simulated\)" is reachable\./,
    },
    {
      provider: 'quickbooks',
      name: 'QuickBooks',
      shown: 'Demo Coffee Books (simulated)',
      term: 'Fiscal year starts in',
      reachable: /QuickBooks answered: company "Demo Coffee Books \(simulated\)" is reachable\./,
      shot: 'quickbooks-connected',
    },
  ]) {
    describe(name, () => {
      const card = () => page.locator(`pos-integration-card[provider="${provider}"]`);
      const badge = () => card().locator('[part~="badge"]');
      const toast = () => card().locator('[part="toast"]');

      it(`connects ${name} by clicking through its consent page in the popup`, async () => {
        await expect.poll(() => badge().textContent()).toBe('Not connected');

        const popupOpened = page.waitForEvent('popup');
        await card()
          .getByRole('button', { name: `Connect ${name}` })
          .click();
        const popup = await popupOpened;
        await popup
          .getByRole('alert')
          .getByText(/SIMULATION/)
          .waitFor();
        expect(await popup.getByRole('heading').first().textContent()).toBe(`Connect to ${name} (simulated)`);
        if (provider === 'stripe') await screenshot(popup, 'oauth-consent');
        await popup.getByRole('button', { name: 'Connect (simulated)' }).click();
        await popup.waitForEvent('close');

        await expect.poll(() => badge().textContent()).toBe('Connected');
        expect(await toast().textContent()).toContain(`${name} connected.`);
        await card().locator('[part="summary"]').getByText(shown).first().waitFor();
        // The summary speaks to people: the connector's labels, yes/no instead of true/false.
        const terms = await card().locator('[part="summary"] dt').allTextContents();
        expect(terms).toContain(term);
        expect(terms.join(' ')).not.toMatch(/_|\bid\b/);
        expect(await card().locator('[part="summary"]').textContent()).not.toMatch(/\btrue\b|\bfalse\b/);
        expect(await server.integrations.status('demo', provider)).toMatchObject({ connected: true });
        if (shot) await screenshot(page, shot, (await card().elementHandle()) ?? undefined);
      });

      it(`tests the ${name} connection`, async () => {
        await card().getByRole('button', { name: 'Test connection' }).click();
        await expect.poll(() => toast().textContent()).toMatch(reachable);
        await expect.poll(() => card().locator('[part="meta"]').textContent()).toContain('Last tested');
      });

      it(`shows the ${name} logs, newest first`, async () => {
        await card().getByRole('button', { name: 'View logs' }).click();
        const drawer = card().locator('dialog[part="drawer"]');
        await drawer.waitFor();
        expect(await drawer.getByRole('heading').textContent()).toBe(`${name} logs`);
        const events = drawer.locator('[part~="entry"] .event');
        await expect.poll(() => events.allTextContents()).toEqual(['tested', 'connected']);
        await drawer.getByLabel('Event').selectOption('connected');
        await expect.poll(() => events.allTextContents()).toEqual(['connected']);
        await page.keyboard.press('Escape');
        await expect.poll(() => drawer.isVisible()).toBe(false);
      });

      it(`disconnects ${name} after confirmation`, async () => {
        await card().getByRole('button', { name: 'Disconnect' }).click();
        const dialog = card().getByRole('dialog', { name: `Disconnect ${name}?` });
        await dialog.getByRole('button', { name: 'Disconnect' }).click();
        await expect.poll(() => badge().textContent()).toBe('Not connected');
        expect(await toast().textContent()).toContain(`${name} disconnected.`);
        await card()
          .getByRole('button', { name: `Connect ${name}` })
          .waitFor();
        expect(await server.integrations.status('demo', provider)).toMatchObject({ connected: false });
      });
    });
  }
});
