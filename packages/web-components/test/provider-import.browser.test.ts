/**
 * "Import from <provider>" in <pos-data-manager>, and the card's "Import catalogue" that leads
 * there: against a real server (core's provider import, its route, SQLite) whose connector,
 * Example POS, offers a catalogue the test controls.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockProducts } from '../../../test/fixtures/example-pos-catalogue.js';
import { type CatalogueHost, catalogueHost, connectExample } from './catalogue-host.js';
import { deepFocus, screenshot } from './harness.js';

const open = catalogueHost();
let host: CatalogueHost;
let page: Page;
let manager: Locator;
let card: Locator;

beforeAll(async () => {
  host = await open();
  ({ page } = host);
  manager = page.locator('pos-data-manager');
  card = page.locator('pos-integration-card[provider="example"]');
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    for (const type of ['pos-catalogue-sources', 'pos-batch-completed', 'pos-batch-failed', 'pos-error']) {
      document.addEventListener(type, () => seen.push(type));
    }
  });
});

afterAll(async () => {
  await host?.close();
});

const form = () => manager.locator('[part~="provider-import"][data-provider="example"]');
const rows = () => manager.locator('[part~="batch"]');
const notice = () => manager.locator('[part="notice"]');
const importButton = () => form().getByRole('button', { name: 'Import from Example POS' });
/** The tenant's products as the server exports them: SKU → price. */
async function storedPrices(): Promise<Record<string, string>> {
  const exported = host.server.integrations.batches?.exportCsv('store-1', 'products');
  let text = '';
  for await (const chunk of exported?.chunks ?? []) text += chunk;
  const [header = '', ...lines] = text
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n');
  const columns = header.split(',');
  const sku = columns.indexOf('sku');
  const price = columns.indexOf('price');
  return Object.fromEntries(
    lines.map((line) => line.split(',')).map((cells) => [cells[sku] ?? '', cells[price] ?? '']),
  );
}

describe('importing a provider catalogue from the Data Manager', () => {
  it('offers no provider import until the provider is connected, then offers it on the card too', async () => {
    await rows().first().or(manager.locator('[part="empty"]')).waitFor();
    expect(await form().count()).toBe(0);
    expect(await card.locator('[part~="import-button"]').count()).toBe(0);

    await connectExample(page);
    // The card's pos-connected made the Data Manager ask the server again.
    await form().waitFor();
    expect(await form().locator('legend').textContent()).toBe('Import from Example POS');
    await card.getByRole('button', { name: 'Import catalogue' }).waitFor();
    await screenshot(page, 'card-import-catalogue', (await card.elementHandle()) ?? undefined);
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toContain(
      'pos-catalogue-sources',
    );
  });

  it('opens the import from the card, with the focus on its first control', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await card.getByRole('button', { name: 'Import catalogue' }).click();
    await expect.poll(() => deepFocus(page)).toMatchObject({ host: ['pos-data-manager'], tag: 'select' });
    expect(await form().getByLabel('Data to import').inputValue()).toBe('products');
  });

  it('imports with live progress of the provider’s total, then counts what came in', async () => {
    stockProducts(host.catalogue, 5);
    host.catalogue.hold();
    await importButton().click();
    const bar = manager.getByRole('progressbar', { name: 'Products import progress' });
    await bar.waitFor();
    const running = rows().filter({ hasText: 'Example POS import · Products' }).first();
    // The first page (2 of 5) is in; the rest is held back.
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 10_000 }).toBe('40');
    expect(await bar.getAttribute('aria-valuetext')).toBe('40 % · 2 of 5 rows read');
    expect(await running.getAttribute('data-status')).toBe('processing');
    host.catalogue.release();

    await expect
      .poll(() => notice().textContent(), { timeout: 10_000 })
      .toBe(
        'Example POS import · Products completed: 5 rows. 5 new · 0 updated · 0 unchanged · 0 no longer at Example POS.',
      );
    expect(await running.locator('[part="batch-counts"]').textContent()).toBe(
      '5 new · 0 updated · 0 unchanged · 0 no longer at Example POS',
    );
    expect(await storedPrices()).toEqual({ 'P-1': '1.50', 'P-2': '2.50', 'P-3': '3.50', 'P-4': '4.50', 'P-5': '5.50' });
  });

  it('lists what the provider no longer has, keeps it, and says so in the checkbox', async () => {
    host.catalogue.products.delete('item-2');
    host.catalogue.products.set('item-5', { sku: 'P-5', name: 'Product 5', price: '9.99', currency: 'USD' });
    await importButton().click();
    await expect
      .poll(() => notice().textContent(), { timeout: 10_000 })
      .toBe(
        'Example POS import · Products completed: 4 rows. 0 new · 1 updated · 3 unchanged · 1 no longer at Example POS.',
      );
    const latest = rows().first();
    const missingButton = latest.getByRole('button', { name: 'No longer at Example POS' });
    expect(await missingButton.getAttribute('aria-expanded')).toBe('false');
    await missingButton.click();
    const missing = manager.locator('[part="missing"]');
    expect(await missing.locator('p').first().textContent()).toBe(
      'No longer at Example POS: 1. They are kept here; import again with "Remove products Example POS no longer has" checked to delete them.',
    );
    expect(
      await missing
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => tr.textContent?.replace(/\s+/g, ' ').trim())),
    ).toEqual(['P-2 Product 2']);
    await screenshot(page, 'data-manager-provider-import', (await manager.elementHandle()) ?? undefined);
    expect(await storedPrices()).toMatchObject({ 'P-2': '2.50', 'P-5': '9.99' });

    const remove = form().getByRole('checkbox', { name: 'Remove products Example POS no longer has' });
    expect(await remove.isChecked()).toBe(false);
    const hint = await form()
      .locator(`#${await remove.getAttribute('aria-describedby')}`)
      .textContent();
    expect(hint?.trim()).toBe(
      'Missing at Example POS at the last import: 1 (Product 2). Checked, they are deleted from this POS, with any Example POS has deleted since.',
    );
  });

  it('removes them when asked, and the box is unchecked again for the next import', async () => {
    const remove = form().getByRole('checkbox', { name: 'Remove products Example POS no longer has' });
    await remove.check();
    await importButton().click();
    await expect
      .poll(() => notice().textContent(), { timeout: 10_000 })
      .toBe(
        'Example POS import · Products completed: 4 rows. 0 new · 0 updated · 4 unchanged · 1 removed (no longer at Example POS).',
      );
    expect(await remove.isChecked()).toBe(false);
    expect(Object.keys(await storedPrices()).sort()).toEqual(['P-1', 'P-3', 'P-4', 'P-5']);
    await rows().first().getByRole('button', { name: 'No longer at Example POS' }).click();
    expect(await manager.locator('[part="missing"] p').first().textContent()).toBe(
      'No longer at Example POS: 1. They were removed from this POS.',
    );
  });

  it('shows a failed import’s problems by the provider’s ids, and nothing changes', async () => {
    host.catalogue.products.set('item-7', { sku: 'P-7', name: 'Product 7', price: 'seven', currency: 'USD' });
    await importButton().click();
    await expect
      .poll(() => notice().textContent(), { timeout: 10_000 })
      .toBe('Example POS import · Products failed; nothing was written.');
    const problems = manager.locator('[part="row-errors"]');
    expect(await problems.locator('thead th').first().textContent()).toContain('Example POS id');
    expect(
      await problems
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()))),
    ).toEqual([['item-7', 'price', expect.any(String)]]);
    expect(Object.keys(await storedPrices()).sort()).toEqual(['P-1', 'P-3', 'P-4', 'P-5']);
    host.catalogue.products.delete('item-7');
  });

  it('imports the other entity type the provider offers', async () => {
    host.catalogue.customers.set('cust-1', { id: 'cust-1', name: 'Ada Lovelace', email: 'ada@example.com' });
    await form().getByLabel('Data to import').selectOption('customers');
    await form().getByRole('checkbox', { name: 'Remove customers Example POS no longer has' }).waitFor();
    await importButton().click();
    await expect
      .poll(() => notice().textContent(), { timeout: 10_000 })
      .toBe(
        'Example POS import · Customers completed: 1 rows. 1 new · 0 updated · 0 unchanged · 0 no longer at Example POS.',
      );
  });

  it('purges a provider import like an upload', async () => {
    // The first import, which added the products.
    const id = await rows().and(manager.locator('[data-status="completed"]')).last().getAttribute('data-batch-id');
    const first = manager.locator(`[part~="batch"][data-batch-id="${id}"]`);
    expect(await first.locator('th').textContent()).toContain('Example POS import · Products');
    await first.getByRole('button', { name: 'Purge' }).click();
    const dialog = manager.getByRole('dialog', { name: 'Purge this batch?' });
    await expect.poll(() => dialog.getByRole('button', { name: 'Purge' }).isEnabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Purge' }).click();
    await expect.poll(() => first.getAttribute('data-status')).toBe('purged');
    expect(await notice().textContent()).toMatch(/^Purged: \d+ products deleted\.$/);
  });

  it('stops offering the import once the provider is disconnected', async () => {
    await card.getByRole('button', { name: 'Disconnect' }).click();
    await card.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
    await expect.poll(() => card.locator('[part~="badge"]').textContent()).toBe('Not connected');
    await expect.poll(() => form().count()).toBe(0);
    expect(await card.locator('[part~="import-button"]').count()).toBe(0);
  });

  it('hides the card’s Import catalogue while no Data Manager is on the page', async () => {
    await connectExample(page);
    await card.getByRole('button', { name: 'Import catalogue' }).waitFor();
    await manager.evaluate((element) => element.remove());
    await expect.poll(() => card.locator('[part~="import-button"]').count()).toBe(0);
  });
});
