/**
 * The connector docs/architecture.md builds (test/fixtures/example-pos.ts), configured alone: the
 * settings page shows it as a card whose form comes from its credential fields, and connecting
 * through that form works.
 */
import { launchChromium, useProviderMock } from '@pos/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplePos } from '../../../test/fixtures/example-pos.js';
import { EXAMPLE_POS_KEY, examplePosSimulation } from '../../../test/fixtures/example-pos-simulator.js';
import { everythingIn, HOST_API_KEY, type HostServer, startHostServer } from './harness.js';

useProviderMock(...examplePosSimulation().handlers);

let browser: Browser;
let server: HostServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), startHostServer([examplePos()])]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a connector written from docs/architecture.md in <pos-integrations>', () => {
  it('shows as a card with its form, and connects with the key typed into it', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${server.url}/`);
    await page.getByLabel('API key', { exact: true }).fill(HOST_API_KEY);
    await page.getByRole('button', { name: 'Use key' }).click();
    await expect
      .poll(() =>
        page.locator('pos-integration-card').evaluateAll((cards) => cards.map((card) => card.getAttribute('provider'))),
      )
      .toEqual(['example']);
    const card = page.locator('pos-integration-card[provider="example"]');
    await expect.poll(() => card.locator('[part~="badge"]').textContent()).toBe('Not connected');
    expect(await everythingIn(card)).toContain('Example POS');
    const field = card.getByLabel('API key');
    expect(await field.getAttribute('type')).toBe('password');

    await field.fill('ex_live_wrong_0123456789abc');
    await card.getByRole('button', { name: 'Save and connect' }).click();
    await card.locator('[part="form-error"]').waitFor();
    expect(await card.locator('[part="form-error"]').textContent()).toContain('Example POS rejected the API key');

    await card.getByLabel('API key').fill(EXAMPLE_POS_KEY);
    await card.getByRole('button', { name: 'Save and connect' }).click();
    await expect.poll(() => card.locator('[part~="badge"]').textContent()).toBe('Connected');
    await card.locator('[part="summary"]').getByText('Corner Shop').waitFor();
    expect(await everythingIn(card)).not.toContain(EXAMPLE_POS_KEY);
    await page.close();
  });
});
