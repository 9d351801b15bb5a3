import { DEMO_SQUARE_LOCATION, DEMO_SQUARE_TOKEN } from '@pos/reference-server';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPage, openDemoPage } from './harness.js';

let demo: DemoPage;
let page: Page;

beforeAll(async () => {
  demo = await openDemoPage();
  page = demo.page;
});

afterAll(async () => {
  // Fails the file if anything below was blocked by the page's policy.
  await demo?.close();
});

describe('the demo page under its Content-Security-Policy', () => {
  it('is served with a policy that Chromium enforces: an injected inline script does not run', async () => {
    const response = await page.goto(`${demo.server.url}/`);
    const policy = (await response?.headerValue('content-security-policy')) ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.head.append(script);
      return (window as unknown as { inlineRan?: boolean }).inlineRan === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => demo.cspViolations.length).toBe(1);
    expect(demo.cspViolations[0]).toMatch(/inline script/);
    demo.cspViolations.length = 0; // the one violation this test caused on purpose
  });

  it("runs the page's own flows with no violation: cards, Square, the Data Manager, the Stripe popup, checkout, payment selection", async () => {
    await page.goto(`${demo.server.url}/`);
    // The page script ran: it numbered the order and filled in the demo hints.
    await expect.poll(() => page.locator('#order-id').textContent()).toMatch(/^ORDER-[0-9A-F]{8}$/);
    expect(await page.locator('[data-origin-path="/demo/supabase"]').textContent()).toBe(
      `${demo.server.url}/demo/supabase`,
    );
    expect(await page.locator('[data-origin-path="/demo/woocommerce"]').textContent()).toBe(
      `${demo.server.url}/demo/woocommerce`,
    );

    const square = page.locator('pos-integration-card[provider="square"]');
    await square.getByLabel('Access token').fill(DEMO_SQUARE_TOKEN);
    await square.getByLabel('Location ID').fill(DEMO_SQUARE_LOCATION);
    await square.getByRole('button', { name: 'Save and connect' }).click();
    await expect.poll(() => square.locator('[part~="badge"]').textContent()).toBe('Connected');

    const manager = page.locator('pos-data-manager');
    await manager.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => manager.locator('[part~="batch"]').count()).toBeGreaterThan(0);

    // The OAuth popup is this page again, whose script hands the result to the card and closes.
    const stripe = page.locator('pos-integration-card[provider="stripe"]');
    const popupOpened = page.waitForEvent('popup');
    await stripe.getByRole('button', { name: 'Connect Stripe' }).click();
    const popup = await popupOpened;
    await popup.getByRole('button', { name: 'Connect (simulated)' }).click();
    await popup.waitForEvent('close');
    await expect.poll(() => stripe.locator('[part~="badge"]').textContent()).toBe('Connected');

    const checkout = page.locator('pos-stripe-checkout-button');
    await checkout.getByRole('button', { name: 'Pay $42.50 by card' }).click();
    await checkout.getByRole('link', { name: 'Open the checkout page' }).waitFor();
    expect(await checkout.getByRole('img', { name: 'QR code of the checkout link' }).count()).toBe(1);

    const select = page.locator('pos-payment-method-select');
    await select.getByRole('radio', { name: 'Card' }).check();
    await expect.poll(() => page.locator('#selection').textContent()).toBe('Ready to record card 42.50.');
    await select.getByRole('button', { name: 'Record payment' }).click();
    await expect.poll(() => page.locator('#selection').textContent()).toBe('Recorded card 42.50.');

    expect(demo.cspViolations).toEqual([]);
  });
});
