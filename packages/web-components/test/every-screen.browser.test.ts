import { DEMO_WOOCOMMERCE_KEY, DEMO_WOOCOMMERCE_SECRET } from '@pos/reference-server';
import { type EventReceiver, startEventReceiver } from '@pos/test-support';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockProducts } from '../../../test/fixtures/example-pos-catalogue.js';
import { axeViolations } from './axe.js';
import { type CatalogueHost, catalogueHost, connectExample } from './catalogue-host.js';
import { type DemoPage, type DemoServer, openDemoPage, revokeSquareToken, screenshot } from './harness.js';

// Every screen of the demo, the way a phone, a small tablet and a desktop meet it: nothing is
// wider than the window (no sideways scroll), every open dialog fits inside it, and axe-core
// finds no serious or critical accessibility violation, in the light and the dark theme.

/** A small phone, a common phone, a tablet held upright. */
const WIDTHS = [320, 390, 768] as const;
const PHONE = { width: 390, height: 844 };

const SQUARE_TOKEN = 'sq0atp-demo-square-access-token';
const SQUARE_LOCATION = 'L-DEMO-MAIN';

let demo: DemoPage;
let server: DemoServer;
let page: Page;
let receiver: EventReceiver;

beforeAll(async () => {
  // Events go to a receiving server, so the integrations page has its "Event delivery" entry.
  receiver = await startEventReceiver();
  demo = await openDemoPage({
    viewport: PHONE,
    env: {
      POS_EVENTS_URL: receiver.url,
      POS_EVENTS_SECRET: 'whsec_every_screen_0123456789',
      POS_ALLOWED_PRIVATE_HOSTS: receiver.hostPort,
      POS_EVENTS_INTERVAL_MS: '100',
    },
  });
  ({ server, page } = demo);
});

afterAll(async () => {
  await demo?.close();
  await receiver?.close();
});

interface Fit {
  scrollWidth: number;
  innerWidth: number;
  /** Open dialogs (in shadow roots too) that reach past either side of the window. */
  dialogsOutside: string[];
  /** Boxes inside open dialogs that scroll sideways (a `<pre>` of details may; nothing else should). */
  sidewaysInDialogs: string[];
  /** Boxes that stick out past the right edge of their element's outer box (`part="base"`). */
  outsideTheirElement: string[];
}

/** How the page fits its window, measured after the layout settled. */
function measure(target: Page): Promise<Fit> {
  return target.evaluate(async () => {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const dialogsOutside: string[] = [];
    const sidewaysInDialogs: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const element of root.querySelectorAll('*')) {
        if (element instanceof HTMLDialogElement && element.open) {
          const box = element.getBoundingClientRect();
          if (box.left < 0 || box.right > window.innerWidth) {
            dialogsOutside.push(`${element.getAttribute('part') ?? 'dialog'}: ${box.left}–${box.right}`);
          }
          for (const inner of [element, ...element.querySelectorAll('*')]) {
            if (inner.tagName !== 'PRE' && inner.scrollWidth > inner.clientWidth + 1) {
              const overflow = getComputedStyle(inner).overflowX;
              if (overflow === 'auto' || overflow === 'scroll') {
                sidewaysInDialogs.push(
                  `${inner.tagName.toLowerCase()}.${inner.className}: ${inner.scrollWidth} > ${inner.clientWidth}`,
                );
              }
            }
          }
        }
        if (element.shadowRoot) visit(element.shadowRoot);
      }
    };
    visit(document);
    const outsideTheirElement: string[] = [];
    for (const host of document.querySelectorAll(
      'pos-integrations, pos-integration-card, pos-data-manager, pos-data-export, pos-payment-method-select, pos-stripe-checkout-button',
    )) {
      const base = host.shadowRoot?.querySelector('[part~="base"], fieldset');
      if (!base) continue;
      const edge = base.getBoundingClientRect().right;
      for (const inner of base.querySelectorAll('*')) {
        if (inner.closest('dialog, .scroll')) continue;
        const right = inner.getBoundingClientRect().right;
        if (right > edge + 1)
          outsideTheirElement.push(
            `${host.tagName.toLowerCase()} ${inner.tagName.toLowerCase()}.${inner.className}: ${right} > ${edge}`,
          );
      }
    }
    return {
      outsideTheirElement,
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      dialogsOutside,
      sidewaysInDialogs,
    };
  });
}

/**
 * Checks the screen `target` shows now at each width, then axe-core in both colour schemes; the
 * phone-width screenshot (`phone-<name>`, and `phone-<name>-dark` when asked) is of `shot` when
 * given, else of the window.
 */
async function checkScreen(
  target: Page,
  name: string,
  shot?: Locator,
  options: { dark?: boolean } = {},
): Promise<void> {
  for (const width of WIDTHS) {
    await target.setViewportSize({ width, height: PHONE.height });
    const fit = await measure(target);
    expect(fit.scrollWidth, `${name} is ${fit.scrollWidth} px wide in a ${width} px window`).toBeLessThanOrEqual(
      fit.innerWidth,
    );
    expect(fit.dialogsOutside, `${name} at ${width} px`).toEqual([]);
    expect(fit.sidewaysInDialogs, `${name} at ${width} px`).toEqual([]);
    expect(fit.outsideTheirElement, `${name} at ${width} px`).toEqual([]);
  }
  await target.setViewportSize(PHONE);
  await measure(target);
  await screenshot(target, `phone-${name}`, (await shot?.elementHandle()) ?? undefined);
  for (const colorScheme of ['light', 'dark'] as const) {
    await target.emulateMedia({ colorScheme });
    expect(await axeViolations(target), `${name}, ${colorScheme} theme`).toEqual([]);
    if (colorScheme === 'dark' && options.dark) {
      await screenshot(target, `phone-${name}-dark`, (await shot?.elementHandle()) ?? undefined);
    }
  }
  await target.emulateMedia({ colorScheme: 'light' });
}

const square = () => page.locator('pos-integration-card[provider="square"]');
const manager = () => page.locator('pos-data-manager');

/** WCAG's contrast ratio of two `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r = 0, g = 0, b = 0] = (color.match(/\d+(\.\d+)?/g) ?? []).map(Number).map((value) => {
      const channel = value / 255;
      return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

describe('the demo page for a keyboard', () => {
  it('starts with a skip link that moves the focus to the content', async () => {
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((link) => link === document.activeElement)).toBe(true);
    const box = await skip.boundingBox();
    expect(box?.y).toBeGreaterThanOrEqual(0); // on screen once focused
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'phone-page-top');
  });

  it('draws focus rings at least 3:1 against the card, in the light and the dark theme', async () => {
    const input = square().getByLabel('Access token');
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await input.focus();
      const { ring, surface } = await input.evaluate((element) => {
        const card = (element.getRootNode() as ShadowRoot).querySelector('[part~="base"]') as Element;
        // The ring is the last of the box-shadows (a gap of the surface colour comes first).
        const shadows = getComputedStyle(element).boxShadow.match(/rgba?\([^)]*\)/g) ?? [];
        return { ring: shadows.at(-1) ?? '', surface: getComputedStyle(card).backgroundColor };
      });
      expect(ring, colorScheme).toMatch(/^rgb\(/); // opaque: no see-through ring
      expect(contrast(ring, surface), `${colorScheme}: ${ring} on ${surface}`).toBeGreaterThanOrEqual(3);
      await input.blur();
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });
});

describe('every screen of the demo fits a phone and passes axe-core', () => {
  it('integrations, every card not connected', async () => {
    await expect.poll(() => square().locator('[part~="badge"]').textContent()).toBe('Not connected');
    await checkScreen(page, 'integrations', page.locator('#integrations'), { dark: true });
  });

  it('a card whose credentials were refused', async () => {
    await square().getByLabel('Access token').fill('sq0atp-not-the-demo-token-at-all');
    await square().getByLabel('Location ID').fill(SQUARE_LOCATION);
    await square().getByRole('button', { name: 'Save and connect' }).click();
    await square().locator('[part="form-error"]').waitFor();
    await checkScreen(page, 'card-refused', square());
  });

  it('a connected card, tested', async () => {
    await square().getByLabel('Access token').fill(SQUARE_TOKEN);
    await square().getByRole('button', { name: 'Save and connect' }).click();
    await expect.poll(() => square().locator('[part~="badge"]').textContent()).toBe('Connected');
    await square().locator('[part="summary"]').waitFor();
    await square().getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => square().locator('[part="meta"]').textContent()).toContain('Last tested');
    await checkScreen(page, 'card-connected', square(), { dark: true });
  });

  it('the logs drawer, an entry’s details open', async () => {
    await square().getByRole('button', { name: 'View logs' }).click();
    const drawer = square().locator('dialog[part="drawer"]');
    await drawer.waitFor();
    await drawer.locator('[part~="entry"]').first().waitFor();
    await drawer.getByText('Details').first().click();
    await checkScreen(page, 'logs-drawer');
    await page.keyboard.press('Escape');
    await expect.poll(() => drawer.isVisible()).toBe(false);
  });

  it('the event delivery log, an event’s attempts open', async () => {
    const events = page.locator('pos-integrations [part="events"]');
    await events.getByRole('button', { name: 'View logs' }).click();
    const drawer = page.locator('pos-integrations [part="events-drawer"] dialog[part="drawer"]');
    await drawer.waitFor();
    await drawer.locator('[part~="entry"]').first().waitFor();
    await drawer.getByText('Details').first().click();
    await checkScreen(page, 'event-delivery-log');
    await page.keyboard.press('Escape');
    await expect.poll(() => drawer.isVisible()).toBe(false);
  });

  it('the disconnect confirmation', async () => {
    await square().getByRole('button', { name: 'Disconnect' }).click();
    const dialog = square().getByRole('dialog', { name: 'Disconnect Square?' });
    await dialog.waitFor();
    await checkScreen(page, 'disconnect-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('a card that needs reconnecting', async () => {
    await revokeSquareToken(server, page);
    await checkScreen(page, 'card-reconnect', square());
  });

  it('the WooCommerce card: keys refused, connected, and its disconnect note', async () => {
    const woo = page.locator('pos-integration-card[provider="woocommerce"]');
    await woo.getByLabel('Store URL').fill(`${server.url}/demo/woocommerce`);
    await woo.getByLabel('Consumer key').fill(DEMO_WOOCOMMERCE_KEY);
    await woo.getByLabel('Consumer secret').fill('cs_not0the0demo0secret0000');
    await woo.getByRole('button', { name: 'Save and connect' }).click();
    await woo.locator('[part="form-error"]').waitFor();
    await checkScreen(page, 'woocommerce-refused', woo);

    await woo.getByLabel('Consumer key').fill(DEMO_WOOCOMMERCE_KEY);
    await woo.getByLabel('Consumer secret').fill(DEMO_WOOCOMMERCE_SECRET);
    await woo.getByRole('button', { name: 'Save and connect' }).click();
    await expect.poll(() => woo.locator('[part~="badge"]').textContent()).toBe('Connected');
    await woo.locator('[part="summary"]').getByText('Demo Coffee Shop (simulated)').waitFor();
    await checkScreen(page, 'woocommerce-connected', woo, { dark: true });

    await woo.getByRole('button', { name: 'Disconnect' }).click();
    const dialog = woo.getByRole('dialog', { name: 'Disconnect WooCommerce?' });
    await dialog.waitFor();
    await checkScreen(page, 'woocommerce-disconnect-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('the simulated consent page, and the card it connects', async () => {
    const stripe = page.locator('pos-integration-card[provider="stripe"]');
    const popupOpened = page.waitForEvent('popup');
    await stripe.getByRole('button', { name: 'Connect Stripe' }).click();
    const popup = await popupOpened;
    await popup.getByRole('button', { name: 'Connect (simulated)' }).waitFor();
    await checkScreen(popup, 'oauth-consent');
    await popup.getByRole('button', { name: 'Connect (simulated)' }).click();
    await popup.waitForEvent('close');
    await expect.poll(() => stripe.locator('[part~="badge"]').textContent()).toBe('Connected');
    await stripe.locator('[part="summary"]').waitFor();
    await checkScreen(page, 'card-oauth-connected', stripe);
  });

  it('the QuickBooks card, connected through its consent page', async () => {
    const quickbooks = page.locator('pos-integration-card[provider="quickbooks"]');
    const popupOpened = page.waitForEvent('popup');
    await quickbooks.getByRole('button', { name: 'Connect QuickBooks' }).click();
    const popup = await popupOpened;
    await popup.getByRole('button', { name: 'Connect (simulated)' }).click();
    await popup.waitForEvent('close');
    await expect.poll(() => quickbooks.locator('[part~="badge"]').textContent()).toBe('Connected');
    await quickbooks.locator('[part="summary"]').getByText('Demo Coffee Books (simulated)').waitFor();
    await checkScreen(page, 'card-quickbooks-connected', quickbooks);
  });

  it('the Data Manager while sample data is generated', async () => {
    // The page's polls go unanswered, so the batch stays running on screen while it is measured.
    const poll = (url: URL) => /^\/api\/data-manager\/batches\/[^/]+$/.test(url.pathname);
    await page.route(poll, () => {});

    // Above the server's 5,000 rows, so the seed answers 202 and runs in the background.
    await manager().getByLabel('Rows').fill('6000');
    await manager().getByRole('button', { name: 'Generate' }).click();
    await manager().locator('[part="progress"]').waitFor();
    await checkScreen(page, 'data-manager-progress', manager());
    // Unrouting lets the held polls through.
    await page.unroute(poll);
    await expect.poll(() => manager().locator('[part="progress"]').count(), { timeout: 45_000 }).toBe(0);
  }, 60_000);

  it('the Data Manager showing a failed import’s problems', async () => {
    await manager()
      .locator('[part~="dropzone"]')
      .evaluate((zone) => {
        const csv = ['sku,name,price', 'TEA-1,Green tea,4.50', 'TEA-2,,3.00', 'TEA-3,Black tea,three dollars'].join(
          '\n',
        );
        const transfer = new DataTransfer();
        transfer.items.add(new File([csv], 'teas.csv', { type: 'text/csv' }));
        for (const type of ['dragenter', 'dragover', 'drop']) {
          zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }
      });
    await manager().locator('[part="row-errors"]').waitFor();
    await checkScreen(page, 'data-manager-errors', manager(), { dark: true });
  });

  it('the purge confirmation', async () => {
    const completed = manager().locator('[part~="batch"][data-status="completed"]').first();
    await completed.getByRole('button', { name: 'Purge' }).click();
    const dialog = manager().getByRole('dialog', { name: 'Purge this batch?' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByRole('button', { name: 'Purge' }).isEnabled()).toBe(true);
    await checkScreen(page, 'purge-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('checkout: a split manual payment, and the card payment’s link and QR code', async () => {
    const select = page.locator('pos-payment-method-select');
    await select.getByRole('radio', { name: 'Split payment' }).check();
    await select.getByLabel('Payment 1 amount').fill('20');
    const button = page.locator('pos-stripe-checkout-button');
    await button.getByRole('button', { name: 'Pay $42.50 by card' }).click();
    await button.getByRole('link', { name: 'Open the checkout page' }).waitFor();
    await checkScreen(page, 'checkout', page.locator('#checkout'));
  });

  it('the hosted checkout page, and the page the customer returns to', async () => {
    const hostedOpened = page.waitForEvent('popup');
    await page.locator('pos-stripe-checkout-button').getByRole('link', { name: 'Open the checkout page' }).click();
    const hosted = await hostedOpened;
    await hosted.getByRole('button', { name: 'Pay (simulated)' }).waitFor();
    await checkScreen(hosted, 'checkout-hosted');
    await hosted.getByRole('button', { name: 'Pay (simulated)' }).click();
    await hosted.getByRole('heading', { name: 'Payment received' }).waitFor();
    await checkScreen(hosted, 'checkout-return');
    await hosted.close();
  });

  it('the refund form under the paid payment, and its confirmation', async () => {
    const button = page.locator('pos-stripe-checkout-button');
    await button.getByRole('button', { name: 'Refund…' }).click();
    await button.getByRole('textbox', { name: 'Amount to refund (up to $42.50)' }).fill('12.50');
    await checkScreen(page, 'checkout-refund', page.locator('#checkout'));
    await button.getByRole('button', { name: 'Review refund' }).click();
    const dialog = button.getByRole('dialog', { name: 'Refund this payment?' });
    await dialog.waitFor();
    await checkScreen(page, 'checkout-refund-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });
});

// The demo's providers gain catalogues connector by connector; these screens use a host server
// whose connector offers one the test controls (catalogue-host.ts), at the same widths.
const openCatalogueHost = catalogueHost(PHONE);

describe('the provider import screens fit a phone and pass axe-core', () => {
  let host: CatalogueHost;
  const example = () => host.page.locator('pos-integration-card[provider="example"]');
  const dataManager = () => host.page.locator('pos-data-manager');
  const importForm = () => dataManager().locator('[part~="provider-import"]');

  beforeAll(async () => {
    host = await openCatalogueHost();
  });

  afterAll(async () => {
    await host?.close();
  });

  it('a connected card offering Import catalogue', async () => {
    await connectExample(host.page);
    await example().getByRole('button', { name: 'Import catalogue' }).waitFor();
    await checkScreen(host.page, 'card-import-catalogue', example());
  });

  it('the Data Manager importing from a provider, with live progress', async () => {
    stockProducts(host.catalogue, 6);
    host.catalogue.hold();
    await importForm().getByRole('button', { name: 'Import from Example POS' }).click();
    await dataManager().locator('[part="progress"]').waitFor();
    await checkScreen(host.page, 'data-manager-provider-progress', dataManager());
    host.catalogue.release();
    await expect.poll(() => dataManager().locator('[part="progress"]').count()).toBe(0);
  });

  it('the rows a provider no longer has, and the checkbox that would remove them', async () => {
    host.catalogue.products.delete('item-3');
    await importForm().getByRole('button', { name: 'Import from Example POS' }).click();
    const missing = dataManager().getByRole('button', { name: 'No longer at Example POS' });
    await missing.click();
    await dataManager().locator('[part="missing"]').waitFor();
    await importForm().getByRole('checkbox').check();
    await checkScreen(host.page, 'data-manager-provider-missing', dataManager(), { dark: true });
  });

  it('a failed provider import, its problems named by the provider’s ids', async () => {
    host.catalogue.products.set('item-9', { sku: 'P-9', name: 'Product 9', price: 'nine', currency: 'USD' });
    await importForm().getByRole('button', { name: 'Import from Example POS' }).click();
    await dataManager().locator('[part="row-errors"]').waitFor();
    await checkScreen(host.page, 'data-manager-provider-errors', dataManager());
  });
});
