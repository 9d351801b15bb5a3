import type { Capabilities } from '@pos/integrations-core';
import express, { Router } from 'express';
import { webComponentsBundleDir, webComponentsBundleFile } from './assets.js';

export interface DemoPageValues {
  apiKey: string;
  squareToken: string;
  squareLocation: string;
  supabaseKey: string;
  /** The simulated project's path on this server; the page shows it with the page's own origin. */
  supabaseProjectPath: string;
}

export interface WebPagesOptions {
  capabilities: Capabilities;
  /** Demo mode only: the page is wired to the published demo key. Never set in real mode. */
  demo?: DemoPageValues;
  /** The default OAuth return path, which the same page serves. */
  oauthReturnPath?: string;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The reference server's own pages, built only from `@pos/web-components`: Settings →
 * Integrations (when the build has integrations) and the manual payment selection. The same
 * page is the OAuth return page: opened as the Connect popup, it hands the result to its opener.
 */
export function webPages(options: WebPagesOptions): Router {
  const router = Router();
  router.use(
    '/assets',
    express.static(webComponentsBundleDir(), { index: false, fallthrough: true, maxAge: 0, immutable: false }),
  );
  const html = settingsPage(options);
  const send: express.RequestHandler = (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.type('html').send(html);
  };
  router.get('/', send);
  router.get(options.oauthReturnPath ?? '/settings/integrations', send);
  return router;
}

function settingsPage({ capabilities, demo }: WebPagesOptions): string {
  const hasIntegrations = capabilities.features.integrations;
  const hasExport = capabilities.features.export;
  // Each variant's page loads that variant's bundle: a lite page carries no integration code.
  const bundle = `/assets/${webComponentsBundleFile(capabilities.build_variant)}`;
  const token = demo ? ` token="${escapeHtml(demo.apiKey)}"` : '';
  const banner = demo
    ? `<aside class="demo" role="note" aria-label="Demo mode">
      <strong>Demo mode.</strong> Every provider here is simulated on this server; nothing reaches a real provider.
      Square: access token <code>${escapeHtml(demo.squareToken)}</code>, location <code>${escapeHtml(demo.squareLocation)}</code>.
      Supabase: project URL <code data-origin-path="${escapeHtml(demo.supabaseProjectPath)}">${escapeHtml(demo.supabaseProjectPath)}</code>
      on this server, secret key <code>${escapeHtml(demo.supabaseKey)}</code>.
    </aside>`
    : `<form class="key" id="api-key-form" aria-label="Sign in with an API key">
      <label>API key <input type="password" name="key" autocomplete="off" required /></label>
      <button type="submit">Use key</button>
      <span class="hint">Kept in this page's memory only.</span>
    </form>`;
  const exportSection = hasExport
    ? `<section id="export" aria-labelledby="export-title">
      <h2 id="export-title">Data → Export</h2>
      <pos-data-export${token}></pos-data-export>
    </section>`
    : '';
  const integrationsSection = hasIntegrations
    ? `<section id="integrations" aria-labelledby="integrations-title">
      <h2 id="integrations-title">Settings → Integrations</h2>
      <pos-integrations${token}></pos-integrations>
    </section>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>POS Integrations${demo ? ' — demo' : ''}</title>
<style>
  body { margin: 0; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; background: #f5f7fa; color: #1f2933; }
  header.top { display: flex; align-items: center; gap: 1.5rem; padding: 0.9rem 1.5rem; background: #1f2933; color: #fff; }
  header.top h1 { font-size: 1.1rem; margin: 0; }
  header.top nav { display: flex; gap: 1rem; }
  header.top a { color: #c8d6ff; }
  main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; display: grid; gap: 2rem; }
  h2 { font-size: 1.25rem; margin: 0 0 1rem; }
  .demo { background: #fff3c4; color: #5c3c00; border: 1px solid #f0c36d; border-radius: 8px; padding: 0.75rem 1rem; }
  .demo code { background: #fff; padding: 0 0.25rem; border-radius: 3px; }
  .key { display: flex; flex-wrap: wrap; align-items: end; gap: 0.75rem; }
  .key .hint { color: #52606d; font-size: 0.85rem; }
  #checkout pos-payment-method-select { max-width: 40rem; }
  #selection { margin: 0.75rem 0 0; color: #52606d; }
</style>
</head>
<body>
<header class="top">
  <h1>POS Integrations</h1>
  <nav aria-label="Sections">
    ${hasIntegrations ? '<a href="#integrations">Integrations</a>' : ''}
    ${hasExport ? '<a href="#export">Export</a>' : ''}
    <a href="#checkout">Checkout</a>
  </nav>
</header>
<main>
  ${banner}
  ${integrationsSection}
  ${exportSection}
  <section id="checkout" aria-labelledby="checkout-title">
    <h2 id="checkout-title">Checkout → Payment method</h2>
    <pos-payment-method-select total="4250" currency="USD"></pos-payment-method-select>
    <p id="selection" role="status" aria-live="polite"></p>
  </section>
</main>
<script type="module">
  import * as pos from '${bundle}';
  // Opened as an OAuth popup (full variant): hand the result to the card that opened it, and close.
  if (pos.deliverOAuthResult?.(window) !== 'delivered') {
    for (const code of document.querySelectorAll('[data-origin-path]')) {
      code.textContent = location.origin + code.dataset.originPath;
    }
    const form = document.getElementById('api-key-form');
    form?.addEventListener('submit', (event) => {
      event.preventDefault();
      const key = new FormData(form).get('key');
      for (const element of document.querySelectorAll('pos-integrations, pos-data-export')) {
        element.token = String(key ?? '');
      }
      form.reset();
    });
    const selection = document.getElementById('selection');
    document.addEventListener('pos-payment-method-change', (event) => {
      const { method, payments, valid } = event.detail;
      selection.textContent = valid
        ? 'Ready to record ' + payments.map((p) => p.method + ' ' + (p.amount / 100).toFixed(2)).join(' + ') + '.'
        : 'The split does not add up to the total yet.';
    });
  }
</script>
</body>
</html>
`;
}
