import { launchChromium, useProviderMock } from '@pos/test-support';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { examplePos } from '../../../test/fixtures/example-pos.js';
import { ExampleCatalogue } from '../../../test/fixtures/example-pos-catalogue.js';
import { EXAMPLE_POS_KEY, examplePosSimulation } from '../../../test/fixtures/example-pos-simulator.js';
import { HOST_API_KEY, type HostServer, startHostServer } from './harness.js';

export interface CatalogueHost {
  browser: Browser;
  server: HostServer;
  /** The host's settings page, signed in as `store-1`, Example POS not yet connected. */
  page: Page;
  catalogue: ExampleCatalogue;
  close(): Promise<void>;
}

/**
 * A host's own server whose only connector, Example POS (docs/architecture.md's), offers a
 * catalogue, and its settings page (cards and Data Manager) in Chromium. Call at the top level of
 * a test file: the provider's API is answered by msw for the whole file.
 */
export function catalogueHost(viewport = { width: 1100, height: 900 }): () => Promise<CatalogueHost> {
  useProviderMock(...examplePosSimulation().handlers);
  return async () => {
    const catalogue = new ExampleCatalogue();
    const [browser, server] = await Promise.all([
      launchChromium(),
      startHostServer([{ ...examplePos(), catalogue: catalogue.capability }]),
    ]);
    const page = await browser.newPage({ viewport });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${server.url}/`);
    await page.getByLabel('API key', { exact: true }).fill(HOST_API_KEY);
    await page.getByRole('button', { name: 'Use key' }).click();
    return {
      browser,
      server,
      page,
      catalogue,
      async close() {
        await browser.close();
        await server.close();
      },
    };
  };
}

/** Connects Example POS through its card, with the key its simulator knows. */
export async function connectExample(page: Page): Promise<void> {
  const card = page.locator('pos-integration-card[provider="example"]');
  await card.getByLabel('API key').fill(EXAMPLE_POS_KEY);
  await card.getByRole('button', { name: 'Save and connect' }).click();
  await expect.poll(() => card.locator('[part~="badge"]').textContent()).toBe('Connected');
}
