import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPage, openDemoPage, screenshot } from './harness.js';

let demo: DemoPage;
let page: Page;
let select: Locator;

beforeAll(async () => {
  demo = await openDemoPage({ env: { POS_VARIANT: 'lite' }, viewport: { width: 1000, height: 760 } });
  page = demo.page;
  select = page.locator('pos-payment-method-select');
});

afterAll(async () => {
  await demo?.close();
});

describe('a lite build', () => {
  it('shows no integration card, section or link at all', async () => {
    await select.locator('[part="base"]').waitFor();
    expect(await page.locator('pos-integrations').count()).toBe(0);
    expect(await page.locator('pos-integration-card').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Integrations' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Settings → Integrations' }).count()).toBe(0);
    // Nor a Data Manager or card checkout: the lite build has neither.
    for (const tag of ['pos-data-manager', 'pos-stripe-checkout-button']) {
      expect(await page.locator(tag).count()).toBe(0);
    }
    expect(await page.getByRole('link', { name: 'Data Manager' }).count()).toBe(0);
    // The demo banner offers no credentials for providers this build does not have.
    expect(await page.locator('.demo').textContent()).not.toMatch(/Square|Supabase|Stripe/);
    expect(await page.getByRole('heading', { name: 'Card payment with Stripe Checkout' }).count()).toBe(0);
    const status = await page.evaluate(async () => (await fetch('/api/integrations/square/status')).status);
    expect(status).toBe(404);
  });

  it('loads the lite bundle, which defines no integration, Data Manager, checkout or export element', async () => {
    const defined = await page.evaluate(() =>
      [
        'pos-integrations',
        'pos-integration-card',
        'pos-data-manager',
        'pos-stripe-checkout-button',
        'pos-data-export',
      ].filter((name) => customElements.get(name) !== undefined),
    );
    expect(defined).toEqual([]);
  });

  describe('a page that loads the full bundle against this server anyway', () => {
    let other: Page;

    beforeAll(async () => {
      // Another page: one page loads one bundle, since each defines the same elements.
      other = await demo.browser.newPage();
      await other.goto(`${demo.server.url}/healthz`);
      // Source text, so neither TypeScript nor the test runner rewrites the dynamic import.
      await other.evaluate("import('/assets/pos-web-components.js').then(() => true)");
    });

    afterAll(async () => {
      await other?.close();
    });

    it('still hides every card of a <pos-integrations> dropped in', async () => {
      const loaded = other.evaluate(
        () =>
          new Promise<string[]>((resolve) => {
            const element = document.createElement('pos-integrations');
            element.token = 'pos_demo_key_not_for_production';
            element.addEventListener('pos-integrations-loaded', (event) => resolve(event.detail.providers));
            document.body.append(element);
          }),
      );
      expect(await loaded).toEqual([]);
      const children = await other
        .locator('pos-integrations')
        .evaluate((element) => element.shadowRoot?.children.length);
      expect(children).toBe(0);
    });

    it('renders nothing for a Data Manager or checkout button dropped in', async () => {
      const tags = ['pos-data-manager', 'pos-stripe-checkout-button'] as const;
      const rendered = await other.evaluate(async (names) => {
        const elements = names.map((name) => {
          const element = document.createElement(name);
          element.token = 'pos_demo_key_not_for_production';
          if (name === 'pos-stripe-checkout-button') {
            element.setAttribute('order-id', 'ORDER-1');
            element.setAttribute('amount', '4250');
          }
          document.body.append(element);
          return element;
        });
        await new Promise<void>((resolve) => {
          const check = () => (elements.every((element) => element.hidden) ? resolve() : setTimeout(check, 20));
          check();
        });
        const result = elements.map((element) => ({
          height: element.getBoundingClientRect().height,
          content: element.shadowRoot?.textContent?.trim() ?? '',
        }));
        for (const element of elements) element.remove();
        return result;
      }, tags);
      expect(rendered).toEqual([
        { height: 0, content: '' },
        { height: 0, content: '' },
      ]);
    });
  });

  it('ships a lite bundle without any integration code', () => {
    const bundle = new URL('../dist/browser/pos-web-components-lite.js', import.meta.url);
    const code = readFileSync(bundle, 'utf8');
    expect(code).toContain('pos-payment-method-select');
    for (const absent of ['pos-integration-card', 'pos-data-manager', 'pos-stripe-checkout-button', '/api/']) {
      expect(code).not.toContain(absent);
    }
    // No QR encoder either: its Reed-Solomon tables would be the biggest part of the file.
    expect(code).not.toMatch(/getModuleCount|PAD0|G15_MASK/);
  });
});

describe('<pos-payment-method-select>', () => {
  const changes: Array<{ method: string; payments: Array<{ method: string; amount: number }>; valid: boolean }> = [];
  const recorded: Array<{ method: string; payments: Array<{ method: string; amount: number }> }> = [];

  beforeAll(async () => {
    await page.exposeFunction('recordChange', (detail: (typeof changes)[number]) => changes.push(detail));
    await page.exposeFunction('recordPayment', (detail: (typeof recorded)[number]) => recorded.push(detail));
    await page.evaluate(() => {
      const page = window as unknown as { recordChange(detail: unknown): void; recordPayment(detail: unknown): void };
      document.addEventListener('pos-payment-method-change', (event) => page.recordChange(event.detail));
      document.addEventListener('pos-payment-recorded', (event) => page.recordPayment(event.detail));
    });
  });

  const last = () => changes.at(-1);

  it('offers cash, card, check, other and split, chosen with the keyboard', async () => {
    const radios = select.getByRole('radio');
    expect(await radios.evaluateAll((nodes) => nodes.map((node) => node.parentElement?.textContent?.trim()))).toEqual([
      'Cash',
      'Card',
      'Check',
      'Other',
      'Split payment',
    ]);
    await select.getByRole('radio', { name: 'Cash' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(() => last())
      .toEqual({ method: 'card', payments: [{ method: 'card', amount: 4250 }], valid: true });
    expect(await select.getAttribute('method')).toBe('card');
  });

  it('accepts a split only when the amounts add up to the total exactly', async () => {
    await select.getByRole('radio', { name: 'Split payment' }).check();
    const amount = (n: number) => select.getByLabel(`Payment ${n} amount`);
    const balance = select.locator('[part="balance"]');
    expect(await balance.getAttribute('aria-live')).toBe('polite');
    expect(await balance.textContent()).toContain('$42.50 left to assign.');
    expect(last()?.valid).toBe(false);

    await amount(1).fill('20');
    await amount(2).fill('20.00');
    expect(await balance.textContent()).toContain('$2.50 left to assign.');
    // Still typing: what is left is information, not an error.
    expect(await balance.getAttribute('class')).toContain('remaining');
    expect(last()?.valid).toBe(false);
    // Recording now marks it.
    await select.getByRole('button', { name: 'Record payment' }).click();
    expect(await balance.getAttribute('class')).toContain('unbalanced');
    expect(recorded).toEqual([]);

    await amount(2).fill('30');
    expect(await balance.textContent()).toContain('$7.50 more than the total.');
    expect(last()?.valid).toBe(false);

    await amount(2).fill('12.345');
    await amount(2).press('Tab');
    expect(await select.locator('[part="errors"]').textContent()).toContain(
      'Payment 2: enter an amount such as 12.50.',
    );
    expect(await amount(2).getAttribute('aria-invalid')).toBe('true');
    expect(last()?.valid).toBe(false);

    await select.getByRole('button', { name: 'Add payment' }).click();
    await select.getByLabel('Payment 3 method').selectOption('check');
    await amount(2).fill('12.25');
    await amount(3).fill('10.25');
    expect(await balance.textContent()).toContain('The payments add up to the total.');
    expect(last()).toEqual({
      method: 'split',
      payments: [
        { method: 'cash', amount: 2000 },
        { method: 'card', amount: 1225 },
        { method: 'check', amount: 1025 },
      ],
      valid: true,
    });
    expect(
      await select.evaluate((element) => (element as HTMLElementTagNameMap['pos-payment-method-select']).valid),
    ).toBe(true);
    await screenshot(page, 'payment-method-split');
    await select.getByRole('button', { name: 'Record payment' }).click();
    await expect
      .poll(() => recorded)
      .toEqual([
        {
          method: 'split',
          payments: [
            { method: 'cash', amount: 2000 },
            { method: 'card', amount: 1225 },
            { method: 'check', amount: 1025 },
          ],
        },
      ]);

    await select.getByRole('button', { name: 'Remove payment 3' }).click();
    expect(await balance.textContent()).toContain('$10.25 left to assign.');
    expect(last()?.valid).toBe(false);
    expect(await select.getByRole('button', { name: 'Remove payment 2' }).isDisabled()).toBe(true);
  });
});
