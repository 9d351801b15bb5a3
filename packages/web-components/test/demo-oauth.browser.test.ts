import { launchChromium } from '@pos/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoServer, startDemoServer } from './harness.js';

let browser: Browser;
let server: DemoServer;
let page: Page;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), startDemoServer()]);
  page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${server.url}/`);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the demo page’s OAuth round trips through the simulated consent pages', () => {
  for (const { provider, name, shown } of [
    { provider: 'stripe', name: 'Stripe', shown: 'Demo Coffee (simulated)' },
    { provider: 'clover', name: 'Clover', shown: 'Demo Bakery (simulated)' },
  ]) {
    it(`connects ${name} by clicking through its consent page`, async () => {
      const card = page.locator(`pos-integration-card[provider="${provider}"]`);
      await expect.poll(() => card.locator('[part~="badge"]').textContent()).toBe('Not connected');

      const popupOpened = page.waitForEvent('popup');
      await card.getByRole('button', { name: `Connect ${name}` }).click();
      const popup = await popupOpened;
      await popup
        .getByRole('alert')
        .getByText(/SIMULATION/)
        .waitFor();
      await popup.getByRole('button', { name: 'Connect (simulated)' }).click();
      await popup.waitForEvent('close');

      await expect.poll(() => card.locator('[part~="badge"]').textContent()).toBe('Connected');
      await card.locator('[part="summary"]').getByText(shown).first().waitFor();
      expect(await server.integrations.status('demo', provider)).toMatchObject({ connected: true });
    });
  }
});
