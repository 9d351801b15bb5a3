import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPage, type DemoServer, deepFocus, openDemoPage, screenshot } from './harness.js';

let demo: DemoPage;
let server: DemoServer;
let page: Page;
let manager: Locator;

interface BatchEvent {
  type: string;
  id: string;
  status: string;
  bytes_read: number | null;
}

/** The batch events the page fired, in order. */
const events = (): BatchEvent[] =>
  demo.events.map(({ type, detail }) => {
    const batch = detail.batch as { id: string; status: string; bytes_read: number | null };
    return { type, id: batch.id, status: batch.status, bytes_read: batch.bytes_read };
  });

/** A products CSV in our own columns, `rows` rows long. */
function productsCsv(rows: number): Buffer {
  const lines = ['sku,name,price,category,stock'];
  for (let i = 0; i < rows; i++) {
    lines.push(`SKU-${String(i).padStart(7, '0')},Catalogue item number ${i},${i % 500}.50,Aisle ${i % 20},${i % 100}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

// Above the server's 8 MiB threshold, so the upload answers 202 and imports while the page polls.
const LARGE_ROWS = 150_000;

beforeAll(async () => {
  demo = await openDemoPage({
    record: ['pos-batch-progress', 'pos-batch-completed', 'pos-batch-failed', 'pos-batch-purged'],
  });
  ({ server, page } = demo);
  manager = page.locator('pos-data-manager');
});

afterAll(async () => {
  await demo?.close();
});

const rows = () => manager.locator('[part~="batch"]');
const row = (text: string) => rows().filter({ hasText: text });
const notice = () => manager.locator('[part="notice"]');

describe('<pos-data-manager> on the demo page', () => {
  it('lists the demo batches and generates sample data', async () => {
    expect(await page.getByRole('link', { name: 'Data Manager' }).count()).toBe(1);
    await expect.poll(() => rows().count()).toBe(2);
    expect(await rows().locator('[part~="badge"]').allTextContents()).toEqual(['Completed', 'Completed']);

    await manager.getByLabel('Data', { exact: true }).selectOption('customers');
    await manager.getByLabel('Rows').fill('40');
    await manager.getByRole('button', { name: 'Generate' }).click();
    await expect
      .poll(() => notice().textContent(), { timeout: 10_000 })
      .toBe('Sample data · Customers completed: 40 rows. 40 new · 0 updated · 0 unchanged.');
    expect(await rows().count()).toBe(3);
    expect(await rows().first().locator('th').textContent()).toContain('Sample data · Customers');
    const rowsCell = rows().first().locator('td.number');
    expect((await rowsCell.textContent())?.trim()).toMatch(/^40\s/);
    expect(await rowsCell.locator('[part="batch-counts"]').textContent()).toBe('40 new · 0 updated · 0 unchanged');
    expect(events().at(-1)).toMatchObject({ type: 'pos-batch-completed', status: 'completed' });
    const listed = await server.integrations.batches?.list('demo', { limit: 1 });
    expect(listed?.[0]).toMatchObject({ type: 'seed', entity_type: 'customers', record_count: 40 });
  });

  it('imports a large CSV from the file picker, showing live progress until it completes', async () => {
    await manager.getByLabel('Data', { exact: true }).selectOption('products');
    await manager.getByLabel('Format').selectOption('pos');
    await manager.getByLabel('Choose a CSV file').setInputFiles({
      name: 'catalogue.csv',
      mimeType: 'text/csv',
      buffer: productsCsv(LARGE_ROWS),
    });
    // The server answered 202: the batch is listed as processing, with its progress bar.
    const bar = manager.getByRole('progressbar', { name: 'Products import progress' });
    await bar.waitFor();
    const running = row('Import · Products');
    expect(await running.getAttribute('data-status')).toBe('processing');
    expect(await bar.getAttribute('aria-valuemin')).toBe('0');
    expect(await bar.getAttribute('aria-valuemax')).toBe('100');
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(0);
    await screenshot(page, 'data-manager-progress', (await manager.elementHandle()) ?? undefined);

    const finished = () => events().find((event) => event.type === 'pos-batch-completed' && event.bytes_read);
    const moved = () => events().find((event) => event.type === 'pos-batch-progress');
    await expect.poll(() => moved() ?? finished(), { timeout: 60_000 }).toBeTruthy();
    // Retaken part way through when the page saw the import move before it finished.
    if (!finished() && (await running.getAttribute('data-status')) === 'processing') {
      await screenshot(page, 'data-manager-progress', (await manager.elementHandle()) ?? undefined);
    }
    await expect.poll(finished, { timeout: 60_000 }).toBeTruthy();
    const completed = row('Import · Products').first();
    expect(await completed.getAttribute('data-status')).toBe('completed');
    const large = new Intl.NumberFormat('en-US').format(LARGE_ROWS);
    expect((await completed.locator('td.number').textContent())?.trim().startsWith(`${large}\n`)).toBe(true);
    expect(await completed.locator('[part="batch-counts"]').textContent()).toBe(
      `${large} new · 0 updated · 0 unchanged`,
    );
    expect(await completed.textContent()).toContain('read as pos');
    expect(await bar.count()).toBe(0);
    expect(await notice().textContent()).toBe(
      `Import · Products completed: ${large} rows. ${large} new · 0 updated · 0 unchanged.`,
    );

    // Every progress the page was told of moved forward, and ended at the whole file.
    const batchId = (await completed.getAttribute('data-batch-id')) as string;
    const seen = events()
      .filter((event) => event.id === batchId)
      .map((event) => event.bytes_read ?? 0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const stored = await server.integrations.batches?.get('demo', batchId);
    expect(stored).toMatchObject({ status: 'completed', record_count: LARGE_ROWS, bytes_read: stored?.total_bytes });
    expect(seen.at(-1)).toBe(stored?.total_bytes);
  });

  it('shows the numbered row errors of a dropped CSV that fails, and nothing is imported', async () => {
    const before = (await server.integrations.batches?.list('demo'))?.length ?? 0;
    await manager.locator('[part~="dropzone"]').evaluate((zone) => {
      const csv = [
        'sku,name,price',
        'TEA-1,Green tea,4.50',
        'TEA-2,,3.00',
        'TEA-3,Black tea,three dollars',
        'TEA-4,Oolong,2.505',
      ].join('\n');
      const transfer = new DataTransfer();
      transfer.items.add(new File([csv], 'teas.csv', { type: 'text/csv' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    });
    await expect
      .poll(() => notice().textContent(), { timeout: 10_000 })
      .toBe('Import · Products failed; nothing was written.');
    const failed = rows().first();
    expect(await failed.getAttribute('data-status')).toBe('failed');
    const problems = manager.locator('[part="row-errors"]');
    expect(await problems.locator('p').first().textContent()).toContain(
      'The file has 3 problems; nothing was imported.',
    );
    expect(
      await problems
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()))),
    ).toEqual([
      ['3', 'name', expect.stringContaining('required')],
      ['4', 'price', expect.stringContaining('amount')],
      ['5', 'price', expect.any(String)],
    ]);
    expect(await failed.getByRole('button', { name: 'Problems found' }).getAttribute('aria-expanded')).toBe('true');
    expect(events().at(-1)).toMatchObject({ type: 'pos-batch-failed', status: 'failed' });
    await screenshot(page, 'data-manager-errors', (await manager.elementHandle()) ?? undefined);

    const listed = (await server.integrations.batches?.list('demo')) ?? [];
    expect(listed.length).toBe(before + 1);
    expect(listed[0]).toMatchObject({ status: 'failed', record_count: 0, error_count: 3 });
  });

  it('shows a failed batch’s problems from the batch itself after a reload', async () => {
    await page.reload();
    const failed = rows().first();
    await expect.poll(() => failed.getAttribute('data-status')).toBe('failed');
    expect(await manager.locator('[part="row-errors"]').count()).toBe(0);
    await failed.getByRole('button', { name: 'Problems found' }).click();
    expect(await manager.locator('[part="row-errors"] tbody tr').count()).toBe(3);
    await failed.getByRole('button', { name: 'Problems found' }).click();
    expect(await manager.locator('[part="row-errors"]').count()).toBe(0);
  });

  it('purges a batch only after confirmation', async () => {
    const batchId = (await rows()
      .and(manager.locator('[data-status="completed"]'))
      .filter({ hasText: 'Import · Products' })
      .getAttribute('data-batch-id')) as string;
    const target = manager.locator(`[part~="batch"][data-batch-id="${batchId}"]`);
    await target.getByRole('button', { name: 'Purge' }).click();
    const dialog = manager.getByRole('dialog', { name: 'Purge this batch?' });
    await dialog.waitFor();
    await expect
      .poll(() => dialog.textContent())
      .toContain(`${LARGE_ROWS.toLocaleString('en-US')} products this batch added will be deleted.`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await target.getAttribute('data-status')).toBe('completed');

    // With the keyboard: Escape closes the dialog as Cancel does; the focus starts on Cancel.
    await target.getByRole('button', { name: 'Purge' }).click();
    expect(await deepFocus(page)).toMatchObject({ tag: 'button', part: 'button cancel-button' });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);

    await target.getByRole('button', { name: 'Purge' }).click();
    await dialog.getByRole('button', { name: 'Purge' }).click();
    await expect.poll(() => target.getAttribute('data-status')).toBe('purged');
    // The Purge button is gone: the focus moves to the list it was in.
    expect(await deepFocus(page)).toMatchObject({ host: ['pos-data-manager'], tag: 'h3' });
    expect(await target.getByRole('button', { name: 'Purge' }).count()).toBe(0);
    expect(await notice().textContent()).toBe(`Purged: ${LARGE_ROWS.toLocaleString('en-US')} products deleted.`);
    const purge = rows().first();
    expect(await purge.locator('th').textContent()).toContain('Purge · Products');
    expect(events().at(-1)).toMatchObject({ type: 'pos-batch-purged', id: batchId });
    const stored = await server.integrations.batches?.get('demo', batchId);
    expect(stored?.purged_by).toBe(await purge.getAttribute('data-batch-id'));
  });

  it('shows only why while it cannot load, and its controls again once it can', async () => {
    const listing = (url: URL) => url.pathname === '/api/data-manager/batches';
    const reload = (element: Element) => (element as Element & { reload(): Promise<void> }).reload();
    await page.route(listing, (route) =>
      route.fulfill({
        status: 503,
        json: { success: false, message: 'The database is not answering.', error_code: 'UNAVAILABLE' },
      }),
    );
    await manager.evaluate(reload);
    await expect
      .poll(() => manager.locator('[part="error"]').textContent())
      .toBe('Could not load: The database is not answering.');
    // Nothing that would fail the same way is offered: no seed, no upload, no list.
    expect(await manager.locator('[part~="controls"]').count()).toBe(0);
    expect(await manager.getByRole('button').count()).toBe(0);
    expect(await manager.locator('input, select').count()).toBe(0);
    expect(await manager.locator('[part~="batches"]').count()).toBe(0);

    await page.unroute(listing);
    await manager.evaluate(reload);
    await manager.getByRole('button', { name: 'Generate' }).waitFor();
    expect(await manager.locator('[part="error"]').count()).toBe(0);
    expect(await rows().count()).toBeGreaterThan(0);
  });
});
