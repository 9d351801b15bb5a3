import { DEMO_API_KEY } from '@pos/reference-server';
import type { SqliteStorage } from '@pos/storage-sqlite';
import { apiClient } from '@pos/test-support';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPage, openDemoPage } from './harness.js';

let demo: DemoPage;
let page: Page;
let button: Locator;

beforeAll(async () => {
  demo = await openDemoPage();
  page = demo.page;
  button = page.locator('pos-stripe-checkout-button');
  // The merchant connects Stripe through the simulated consent page.
  const consent = await demo.browser.newPage();
  await consent.goto(`${demo.server.url}/demo/connect/stripe`);
  await consent.getByRole('button', { name: 'Connect (simulated)' }).click();
  await consent.waitForURL(/status=connected/);
  await consent.close();
});

afterAll(async () => {
  await demo?.close();
});

let orders = 0;

/**
 * An open checkout whose stored link is `url`, as a server whose provider answered it (or whose
 * database was tampered with) would return it; then the element shows that order.
 */
async function showCheckoutWithLink(url: string): Promise<void> {
  orders += 1;
  const orderId = `LINK-${orders}`;
  const created = await apiClient(demo.server.url, { token: DEMO_API_KEY })('POST', '/api/payments/checkout-session', {
    body: { order_id: orderId, amount: 4250, currency: 'usd' },
  });
  expect(created.status).toBe(200);
  const { database } = demo.server.integrations.storage as unknown as SqliteStorage;
  database
    .prepare('update payments set checkout_url = ? where tenant_id = ? and order_id = ?')
    .run(url, 'demo', orderId);
  await button.evaluate((element, id) => {
    (element as HTMLElementTagNameMap['pos-stripe-checkout-button']).orderId = id;
  }, orderId);
  await expect.poll(() => button.locator('[part~="status"]').textContent()).toBe('Waiting for the payment…');
}

/** Every link target and QR code inside the element's shadow root. */
const rendered = () =>
  button.evaluate((element) => ({
    hrefs: [...(element.shadowRoot?.querySelectorAll('[href]') ?? [])].map((node) => node.getAttribute('href')),
    qrCodes: element.shadowRoot?.querySelectorAll('[part="qr"]').length ?? 0,
  }));

describe('<pos-stripe-checkout-button> renders only safe checkout links', () => {
  it.each([
    'javascript:alert(document.domain)',
    'JavaScript:alert(1)',
    'http://evil.example/pay',
    'data:text/html,<script>alert(1)</script>',
    '//evil.example/pay',
    'http://127.0.0.1:1/pay',
    'not a url',
  ])('refuses %s: no link, no QR code, a message instead', async (url) => {
    await showCheckoutWithLink(url);
    const alert = button.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'The server sent a checkout link that is not a secure (https) address, so it is not shown.',
    );
    expect(await rendered()).toEqual({ hrefs: [], qrCodes: 0 });
  });

  it('shows an https link, and an http one on the API origin (the demo simulator)', async () => {
    await showCheckoutWithLink('https://checkout.stripe.com/c/pay/cs_test_a1');
    await button.getByRole('link', { name: 'Open the checkout page' }).waitFor();
    expect(await rendered()).toEqual({ hrefs: ['https://checkout.stripe.com/c/pay/cs_test_a1'], qrCodes: 1 });

    const simulated = `${demo.server.url}/demo/stripe/checkout/cs_test_a2`;
    await showCheckoutWithLink(simulated);
    await expect.poll(async () => (await rendered()).hrefs).toEqual([simulated]);
    expect(await button.getByRole('alert').count()).toBe(0);
  });
});
