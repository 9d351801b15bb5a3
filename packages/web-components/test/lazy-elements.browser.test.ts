import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPage, openDemoPage } from './harness.js';

// The full browser bundle defines the Data Manager and the checkout button on first use. A host
// page that keeps them inside its own element's shadow root is not seen, and loads them itself.

let demo: DemoPage;
let page: Page;

const HOST_PAGE = `<!doctype html>
<html lang="en">
  <body>
    <pos-shop-screen></pos-shop-screen>
    <script type="module">
      import { defineAllElements } from '/assets/pos-web-components.js';
      customElements.define('pos-shop-screen', class extends HTMLElement {
        connectedCallback() {
          this.attachShadow({ mode: 'open' }).innerHTML =
            '<pos-stripe-checkout-button order-id="order-1" amount="1250" currency="usd"></pos-stripe-checkout-button>';
        }
      });
      window.defineAllElements = defineAllElements;
    </script>
  </body>
</html>`;

beforeAll(async () => {
  demo = await openDemoPage();
  page = await demo.browser.newPage();
  const url = `${demo.server.url}/shadow-host.html`;
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: HOST_PAGE }));
  await page.goto(url);
  await page.waitForFunction(() => 'defineAllElements' in window);
});

afterAll(async () => {
  await page?.close();
  await demo?.close();
});

describe('elements the full bundle defines on first use', () => {
  it('stay undefined inside a shadow root until the page calls defineAllElements(), then render', async () => {
    const defined = () =>
      page.evaluate(() => ['pos-stripe-checkout-button', 'pos-data-manager'].map((tag) => !!customElements.get(tag)));
    expect(await defined()).toEqual([false, false]);
    await page.evaluate(() => (window as unknown as { defineAllElements(): Promise<void> }).defineAllElements());
    expect(await defined()).toEqual([true, true]);
    const rendered = await page.evaluate(async () => {
      const button = document.querySelector('pos-shop-screen')?.shadowRoot?.querySelector('pos-stripe-checkout-button');
      await (button as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
      return !!button?.shadowRoot;
    });
    expect(rendered).toBe(true);
  });
});
