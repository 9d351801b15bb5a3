import fc from 'fast-check';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPage, openDemoPage } from './harness.js';

// Property 7 (docs/properties.md): a card is shown only for an integration the server offers, and a 404 from its
// status endpoint hides it entirely — never a disabled card or a placeholder.

const DEMO_KEY = 'pos_demo_key_not_for_production';
const PROVIDERS = ['square', 'supabase', 'woocommerce', 'stripe', 'clover', 'quickbooks'] as const;
type Provider = (typeof PROVIDERS)[number];

let demo: DemoPage;
let page: Page;
/** What the intercepted responses say on the current run. */
let notAdvertised = new Set<Provider>();
let statusMissing = new Set<Provider>();

beforeAll(async () => {
  demo = await openDemoPage();
  page = demo.page;
  await page.route('**/api/capabilities', async (route) => {
    const response = await route.fetch();
    const capabilities = await response.json();
    for (const provider of notAdvertised) capabilities.features[provider] = false;
    await route.fulfill({ response, json: capabilities });
  });
  await page.route('**/api/integrations/*/status', async (route) => {
    const provider = new URL(route.request().url()).pathname.split('/')[3] as Provider;
    if (!statusMissing.has(provider)) return route.fallback();
    await route.fulfill({
      status: 404,
      json: { success: false, message: `Unknown integration: ${provider}`, error_code: 'NOT_FOUND' },
    });
  });
});

afterAll(async () => {
  await demo?.close();
});

/** Mounts a fresh <pos-integrations> and returns what a user sees once it has loaded. */
function mountAndRead(target: Page): Promise<{ providers: string[]; placeholders: number }> {
  return target.evaluate(async (token) => {
    const element = document.createElement('pos-integrations');
    element.setAttribute('token', token);
    const loaded = new Promise<void>((resolve) =>
      element.addEventListener('pos-integrations-loaded', () => resolve(), { once: true }),
    );
    document.body.append(element);
    await loaded;
    await (element as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    const cards = [...(element.shadowRoot?.querySelectorAll('pos-integration-card') ?? [])] as HTMLElement[];
    const result = {
      providers: cards.filter((card) => !card.hidden).map((card) => card.getAttribute('provider') ?? ''),
      // Anything rendered that is not a visible card: a hidden, disabled or placeholder card.
      placeholders: cards.filter((card) => card.hidden).length,
    };
    element.remove();
    return result;
  }, DEMO_KEY);
}

describe('Property 7: card visibility follows the server', () => {
  it('shows exactly the offered integrations whose status answers, in the server order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray([...PROVIDERS]), fc.subarray([...PROVIDERS]), async (hidden, missing) => {
        notAdvertised = new Set(hidden);
        statusMissing = new Set(missing);
        const seen = await mountAndRead(page);
        const expected = PROVIDERS.filter((provider) => !notAdvertised.has(provider) && !statusMissing.has(provider));
        expect(seen).toEqual({ providers: expected, placeholders: 0 });
      }),
      { numRuns: 24 },
    );
  });
});
