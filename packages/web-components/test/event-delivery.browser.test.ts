import { type EventReceiver, startEventReceiver } from '@pos/test-support';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPage, deepFocus, openDemoPage, screenshot } from './harness.js';

// The "Event delivery" entry of <pos-integrations> and its log, on a demo server that delivers
// events to a real receiving server: the first delivery fails with a 500, the rest arrive.

let receiver: EventReceiver;
let demo: DemoPage;
let page: Page;
let section: Locator;
let drawer: Locator;

beforeAll(async () => {
  receiver = await startEventReceiver();
  receiver.script([500], 204);
  demo = await openDemoPage({
    viewport: { width: 1200, height: 860 },
    env: {
      POS_EVENTS_URL: receiver.url,
      POS_EVENTS_SECRET: 'whsec_browser_events_0123456789',
      POS_ALLOWED_PRIVATE_HOSTS: receiver.hostPort,
      POS_EVENTS_INTERVAL_MS: '100',
      // The failed delivery stays waiting for its retry while the test looks at it.
      POS_EVENTS_RETRY_BASE_MS: '3600000',
    },
  });
  ({ page } = demo);
  section = page.locator('pos-integrations [part="events"]');
  drawer = page.locator('pos-integrations [part="events-drawer"] dialog[part="drawer"]');
});

afterAll(async () => {
  await demo?.close();
  await receiver?.close();
});

describe('event delivery in <pos-integrations>', () => {
  it('offers the event delivery log when the server delivers events', async () => {
    await section.getByRole('heading', { name: 'Event delivery' }).waitFor();
    await expect.poll(() => section.textContent()).toContain('Events sent to your application');
    // The demo seeded its sample data at start: those events went out, the first one refused.
    await expect.poll(() => receiver.received.filter((request) => request.answer === 204).length).toBeGreaterThan(0);
  });

  it('lists each event with where its delivery stands, and every attempt in its details', async () => {
    await section.getByRole('button', { name: 'View logs' }).click();
    await drawer.waitFor();
    await expect.poll(() => drawer.getByRole('heading').first().textContent()).toBe('Event delivery logs');
    expect(await deepFocus(page)).toMatchObject({ part: 'close-button' });
    // Events have no level or event filters: the log is short and comes from one source.
    expect(await drawer.locator('[part="filters"]').count()).toBe(0);
    const entries = drawer.locator('[part~="entry"]');
    await entries.first().waitFor();
    const failed = drawer.locator('[part~="entry-warning"]');
    await expect.poll(() => failed.count()).toBe(1);
    expect(await failed.textContent()).toContain('Attempt 1 failed: The events URL answered HTTP 500. Next try');
    expect(await failed.textContent()).toContain('batch.completed');
    const delivered = drawer.locator('[part~="entry-info"]');
    await expect.poll(() => delivered.count()).toBeGreaterThan(0);
    expect(await delivered.first().textContent()).toContain('Delivered on attempt 1 (HTTP 204).');
    await failed.getByText('Details').click();
    const details = await failed.locator('pre').textContent();
    expect(JSON.parse(details ?? '{}')).toMatchObject({
      status: 'pending',
      deliveries: [{ attempt: 1, status_code: 500, error: 'The events URL answered HTTP 500.' }],
    });
    expect(details).not.toContain('whsec_browser_events');
    await screenshot(page, 'event-delivery-log');
    await page.keyboard.press('Escape');
    await expect.poll(() => drawer.isVisible()).toBe(false);
  });
});
