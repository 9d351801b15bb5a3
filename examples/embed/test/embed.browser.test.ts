import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, type NodeProcess, spawnNode } from '@pos/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const referenceServer = new URL('../../reference-server/dist/main.js', import.meta.url).pathname;
const embedServer = new URL('../serve.mjs', import.meta.url).pathname;

let dir: string;
let browser: Browser;
const processes: NodeProcess[] = [];

/** The built reference server in demo mode, in a folder of its own. */
async function demoServer(variant: string): Promise<string> {
  const cwd = mkdtempSync(join(dir, `${variant}-`));
  const server = spawnNode(referenceServer, { args: ['--demo'], cwd, env: { PORT: '0', POS_VARIANT: variant } });
  processes.push(server);
  return (await server.waitForOutput(/URL\s+(http:\/\/\S+)/))[1] as string;
}

/** examples/embed/serve.mjs forwarding /api to `apiUrl`. */
async function embedPage(apiUrl: string): Promise<string> {
  const server = spawnNode(embedServer, { env: { PORT: '0', POS_API_URL: apiUrl } });
  processes.push(server);
  return (await server.waitForOutput(/on (http:\/\/\S+\/)/))[1] as string;
}

async function open(url: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(url);
  expect(errors).toEqual([]);
  return page;
}

async function downloadCsv(page: Page): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  return readFileSync(await download.path(), 'utf8');
}

beforeAll(async () => {
  if (!existsSync(referenceServer)) throw new Error(`${referenceServer} is missing: run "npm run build" first.`);
  dir = mkdtempSync(join(tmpdir(), 'pos-embed-'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(processes.map((process) => process.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('examples/embed: the web components in a plain HTML page', () => {
  it('renders the full bundle against the demo server: cards, Data Manager, export, checkout and payment selection', async () => {
    const page = await open(await embedPage(await demoServer('full')));
    const square = page.locator('pos-integration-card[provider="square"]');
    await square.getByRole('button', { name: 'Save and connect' }).waitFor();
    const cards = await page
      .locator('pos-integration-card')
      .evaluateAll((all) => all.map((card) => card.id || card.getAttribute('provider')));
    expect(cards).toEqual(expect.arrayContaining(['square', 'supabase', 'stripe', 'clover']));

    const manager = page.locator('pos-data-manager');
    const completed = page.evaluate(
      () =>
        new Promise<number>((resolve) =>
          document.addEventListener('pos-batch-completed', (event) => resolve(event.detail.batch.record_count), {
            once: true,
          }),
        ),
    );
    await manager.getByRole('button', { name: 'Generate' }).click();
    const generated = await completed;
    expect(generated).toBeGreaterThan(0);

    // Stripe is not connected on a fresh demo: the checkout button says so instead of offering payment.
    await page.locator('pos-stripe-checkout-button').locator('[part="not-connected"]').waitFor();

    const csv = await downloadCsv(page);
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r\n/);
    expect(lines[0]).toBe('sku,name,price,currency,category,stock,barcode,description');
    expect(lines).toHaveLength(1 + 25 + generated); // the header, the demo tenant's 25 products, the generated ones
    await expect
      .poll(() => page.locator('pos-data-export').getByRole('status').textContent())
      .toMatch(/Downloaded products\.csv/);

    await page.getByRole('radio', { name: 'Card' }).check();
    await expect.poll(() => page.locator('#selection').textContent()).toBe('Paying card 42.50');
    await page.close();
  });

  it('runs the lite bundle alone: payment selection, and no integration element defined', async () => {
    const page = await open(`${await embedPage('http://127.0.0.1:9')}lite.html`);
    await page.getByRole('radio', { name: 'Split payment' }).check();
    await expect.poll(() => page.locator('#selection').textContent()).toBe('The split does not add up yet.');
    const defined = await page.evaluate(() =>
      [
        'pos-payment-method-select',
        'pos-integrations',
        'pos-data-export',
        'pos-data-manager',
        'pos-stripe-checkout-button',
      ].map((tag) => Boolean(customElements.get(tag))),
    );
    expect(defined).toEqual([true, false, false, false, false]);
    await page.close();
  });
});

describe('the reference server in the export variant', () => {
  it('serves the export bundle: a CSV download and the payment selection, no integrations', async () => {
    const page = await open(`${await demoServer('export')}/`);
    await page.locator('pos-data-export').getByRole('button', { name: 'Download CSV' }).waitFor();
    expect(await page.locator('pos-integrations').count()).toBe(0);
    const defined = await page.evaluate(() =>
      ['pos-integration-card', 'pos-data-manager', 'pos-stripe-checkout-button'].filter((tag) =>
        Boolean(customElements.get(tag)),
      ),
    );
    expect(defined).toEqual([]);
    const csv = await downloadCsv(page);
    expect(csv.replace(/^\uFEFF/, '').trim()).toBe('sku,name,price,currency,category,stock,barcode,description');
    await page.close();
  });
});
