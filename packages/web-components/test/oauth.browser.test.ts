import { IntegrationError, type Integrations } from '@pos/integrations-core';
import type { OAuthConnector } from '@pos/integrations-core/connector';
import { launchChromium } from '@pos/test-support';
import express from 'express';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_API_KEY, type HostServer, startHostServer } from './harness.js';

const API_KEY = HOST_API_KEY;

/**
 * A small OAuth provider double: its consent page offers Allow (a code this connector accepts)
 * and Deny (the provider's `access_denied`), then sends the browser to the server's callback.
 */
function fakeOAuthProvider(baseUrl: () => string): { connector: OAuthConnector; consent: express.Router } {
  const connector: OAuthConnector = {
    id: 'clover',
    displayName: 'Clover',
    kind: 'oauth',
    stateInvalidCode: 'CLOVER_STATE_INVALID',
    oauthFailedCode: 'CLOVER_OAUTH_FAILED',
    authorizationUrl: (state) => `${baseUrl()}/consent?state=${encodeURIComponent(state)}`,
    async exchange({ code }) {
      if (code !== 'allowed-code') throw new IntegrationError('CLOVER_OAUTH_FAILED', 'Unknown code.');
      return { secret: { access_token: 'fake-clover-access-token-0001' }, publicData: { merchant_id: 'M-FAKE-1' } };
    },
    summary: async () => ({ merchant_name: 'Fake Bakery', merchant_id: 'M-FAKE-1' }),
    test: async () => ({ message: 'Clover answered.' }),
  };
  const consent = express.Router();
  consent.get('/consent', (req, res) => {
    const state = encodeURIComponent(String(req.query.state));
    res.type('html').send(`<!doctype html><title>Consent</title><h1>Allow access?</h1>
      <a href="/api/integrations/clover/callback?code=allowed-code&state=${state}">Allow</a>
      <a href="/api/integrations/clover/callback?error=access_denied&state=${state}">Deny</a>`);
  });
  return { connector, consent };
}

let browser: Browser;
let server: HostServer;
let integrations: Integrations;

beforeAll(async () => {
  let url = '';
  const provider = fakeOAuthProvider(() => url);
  [browser, server] = await Promise.all([launchChromium(), startHostServer([provider.connector], provider.consent)]);
  url = server.url;
  integrations = server.integrations;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Signs the settings page in with the API key; `navigate: false` stays on the current URL. */
async function openSettings(page: Page, navigate = true): Promise<Locator> {
  if (navigate) {
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${server.url}/`);
  }
  expect(await page.content()).not.toContain(API_KEY);
  await page.getByLabel('API key', { exact: true }).fill(API_KEY);
  await page.getByRole('button', { name: 'Use key' }).click();
  const card = page.locator('pos-integration-card[provider="clover"]');
  await card.locator('[part~="badge"]').waitFor();
  return card;
}

describe('Connect for an OAuth provider', () => {
  it('opens the consent page in a popup and learns the result from the return page', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const card = await openSettings(page);
    expect(await card.locator('[part~="badge"]').textContent()).toBe('Not connected');
    expect(await card.locator('form').count()).toBe(0);

    const popupOpened = page.waitForEvent('popup');
    await card.getByRole('button', { name: 'Connect Clover' }).click();
    const popup = await popupOpened;
    await popup.getByRole('link', { name: 'Deny' }).click();
    await popup.waitForEvent('close');
    await expect
      .poll(() => card.locator('[part="toast"]').textContent())
      .toContain('Clover was not connected (CLOVER_OAUTH_FAILED).');
    expect(await card.locator('[part~="badge"]').textContent()).toBe('Not connected');

    const again = page.waitForEvent('popup');
    await card.getByRole('button', { name: 'Connect Clover' }).click();
    const second = await again;
    await second.getByRole('link', { name: 'Allow' }).click();
    await second.waitForEvent('close');
    await expect.poll(() => card.locator('[part~="badge"]').textContent()).toBe('Connected');
    expect(await card.locator('[part="toast"]').textContent()).toContain('Clover connected.');
    await card.locator('[part="summary"]').getByText('Fake Bakery').waitFor();
    await page.close();
  });

  it('goes through the whole page when the popup is blocked, and shows the result on return', async () => {
    await integrations.disconnect('store-1', 'clover');
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    // What a popup blocker does: window.open gives nothing back.
    await page.addInitScript(() => {
      window.open = () => null;
    });
    let card = await openSettings(page);
    await card.getByRole('button', { name: 'Connect Clover' }).click();
    await page.waitForURL(/\/consent\?state=/);
    await page.getByRole('link', { name: 'Allow' }).click();
    await page.waitForURL(/\/settings\/integrations\?provider=clover&status=connected/);

    card = await openSettings(page, false);
    await expect.poll(() => card.locator('[part~="badge"]').textContent()).toBe('Connected');
    await expect.poll(() => card.locator('[part="toast"]').textContent()).toContain('Clover connected.');
    await page.close();
  });

  it('ignores results posted by another origin', async () => {
    await integrations.disconnect('store-1', 'clover');
    const page = await browser.newPage();
    const card = await openSettings(page);
    await page.evaluate(() => {
      window.dispatchEvent(
        new MessageEvent('message', {
          origin: 'https://evil.example',
          data: { type: 'pos-oauth-result', provider: 'clover', status: 'error', error_code: 'FORGED' },
        }),
      );
    });
    await card.getByRole('button', { name: 'Connect Clover' }).waitFor();
    expect(await card.locator('[part="toast"]').textContent()).toBe('');
    await page.close();
  });

  it('finishes only in the browser that asked for the consent link; another browser gets STATE_INVALID', async () => {
    await integrations.disconnect('store-1', 'clover');
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const card = await openSettings(page);
    const popupOpened = page.waitForEvent('popup');
    await card.getByRole('button', { name: 'Connect Clover' }).click();
    const popup = await popupOpened;
    await popup.getByRole('link', { name: 'Allow' }).waitFor();
    // The flow cookie is HttpOnly: the page's scripts never see it.
    expect(await page.evaluate(() => document.cookie)).toBe('');

    // The same consent link, sent to someone else and opened in their browser (no shared cookies).
    const elsewhere = await browser.newContext();
    const stranger = await elsewhere.newPage();
    await stranger.goto(popup.url());
    await stranger.getByRole('link', { name: 'Allow' }).click();
    await stranger.waitForURL(/status=error&error_code=CLOVER_STATE_INVALID/);
    await elsewhere.close();
    expect((await integrations.status('store-1', 'clover')).connected).toBe(false);

    // Nothing was spent: the browser that asked finishes the flow.
    await popup.getByRole('link', { name: 'Allow' }).click();
    await popup.waitForEvent('close');
    await expect.poll(() => card.locator('[part~="badge"]').textContent()).toBe('Connected');
    await page.close();
  });
});
