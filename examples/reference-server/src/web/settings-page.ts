import type { Capabilities } from '@pos/integrations-core';
import express, { Router } from 'express';
import { webComponentsBundleDir, webComponentsBundleFile } from './assets.js';
import { type PageSecurity, pageSecurityHeaders } from './security-headers.js';
import { SETTINGS_SCRIPT_PATH, settingsPageScript } from './settings-page-script.js';

export interface DemoPageValues {
  apiKey: string;
  squareToken: string;
  squareLocation: string;
  supabaseKey: string;
  /** The simulated project's path on this server; the page shows it with the page's own origin. */
  supabaseProjectPath: string;
  wooCommerceKey: string;
  wooCommerceSecret: string;
  /** The simulated store's path on this server, shown with the page's own origin. */
  wooCommerceStorePath: string;
}

export interface WebPagesOptions {
  capabilities: Capabilities;
  /** Demo mode only: the page is wired to the published demo key. Never set in real mode. */
  demo?: DemoPageValues;
  /** The default OAuth return path, which the same page serves. */
  oauthReturnPath?: string;
  /** Who may frame the pages (nobody by default). */
  security?: PageSecurity;
}

/** The page's one `<style>` block, allowed by its hash in the page's Content-Security-Policy. */
const PAGE_STYLE = `
  :root { color-scheme: light dark; --page: light-dark(#f5f7fa, #111820); --text: light-dark(#1f2933, #e4e7eb); --muted: light-dark(#52606d, #b0bac5); --focus: light-dark(#2f5bea, #8ab4ff); }
  body { margin: 0; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; background: var(--page); color: var(--text); }
  :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
  .skip { position: absolute; left: 0.5rem; top: -4rem; z-index: 10; padding: 0.5rem 0.9rem; border-radius: 6px; background: #1f2933; color: #fff; }
  .skip:focus { top: 0.5rem; }
  header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem; padding: 0.9rem clamp(1rem, 4vw, 1.5rem); background: #1f2933; color: #fff; }
  header.top h1 { font-size: 1.1rem; margin: 0; }
  header.top nav { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
  header.top a { color: #c8d6ff; }
  header.top a:focus-visible { outline-color: #c8d6ff; }
  main { max-width: 72rem; margin: 0 auto; padding: 1.5rem clamp(0.75rem, 4vw, 1.5rem); display: grid; gap: 2rem; }
  main > * { min-width: 0; }
  main:focus { outline: none; }
  h2 { font-size: 1.25rem; margin: 0 0 1rem; }
  .demo { background: light-dark(#fff3c4, #3d2e00); color: light-dark(#5c3c00, #f7e0a3); border: 1px solid light-dark(#f0c36d, #8d5a00); border-radius: 8px; padding: 0.75rem 1rem; }
  .demo code { background: light-dark(#fff, #1f2933); padding: 0 0.25rem; border-radius: 3px; overflow-wrap: anywhere; }
  .key { display: flex; flex-wrap: wrap; align-items: end; gap: 0.75rem; }
  .key .hint { color: var(--muted); font-size: 0.85rem; }
  h3 { font-size: 1rem; margin: 0 0 0.75rem; }
  .order { margin: 0 0 1rem; }
  .payments { display: grid; gap: 1.5rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr)); align-items: start; }
  #selection { margin: 0.75rem 0 0; color: var(--muted); }
  #next-order { margin-top: 0.75rem; font: inherit; padding: 0.45rem 0.9rem; border-radius: 6px; border: 1px solid light-dark(#d9e2ec, #2d3a48); background: light-dark(#fff, #1f2933); color: inherit; cursor: pointer; }
`;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The reference server's own pages, built only from `@pos/web-components`: Settings →
 * Integrations, the Data Manager and a checkout (manual payment selection, plus Stripe Checkout
 * when the server takes card payments). Each section is there only when the capabilities say
 * the server serves it. The same page is the OAuth return page: opened as the Connect popup, it
 * hands the result to its opener.
 */
export function webPages(options: WebPagesOptions): Router {
  const router = Router();
  router.use(
    '/assets',
    express.static(webComponentsBundleDir(), { index: false, fallthrough: true, maxAge: 0, immutable: false }),
  );
  const html = settingsPage(options);
  const script = settingsPageScript(bundlePath(options.capabilities));
  const secure = pageSecurityHeaders(options.security ?? { frameAncestors: [] }, [PAGE_STYLE]);
  const send: express.RequestHandler = (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    secure(res);
    res.type('html').send(html);
  };
  router.get(SETTINGS_SCRIPT_PATH, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type('text/javascript').send(script);
  });
  router.get('/', send);
  router.get(options.oauthReturnPath ?? '/settings/integrations', send);
  return router;
}

/** Each variant's page loads that variant's bundle: a lite page carries no integration code. */
const bundlePath = (capabilities: Capabilities) => `/assets/${webComponentsBundleFile(capabilities.build_variant)}`;

function settingsPage({ capabilities, demo }: WebPagesOptions): string {
  const {
    integrations: hasIntegrations,
    export: hasExport,
    data_manager: hasDataManager,
    payments: hasPayments,
  } = capabilities.features;
  const token = demo ? ` token="${escapeHtml(demo.apiKey)}"` : '';
  // The demo values are shown only for what this build has.
  const demoHints = demo
    ? [
        hasIntegrations
          ? `Square: access token <code>${escapeHtml(demo.squareToken)}</code>, location <code>${escapeHtml(demo.squareLocation)}</code>.
      Supabase: project URL <code data-origin-path="${escapeHtml(demo.supabaseProjectPath)}">${escapeHtml(demo.supabaseProjectPath)}</code>
      on this server, secret key <code>${escapeHtml(demo.supabaseKey)}</code>.
      WooCommerce: store URL <code data-origin-path="${escapeHtml(demo.wooCommerceStorePath)}">${escapeHtml(demo.wooCommerceStorePath)}</code>
      on this server, consumer key <code>${escapeHtml(demo.wooCommerceKey)}</code>, consumer secret <code>${escapeHtml(demo.wooCommerceSecret)}</code>.`
          : '',
        hasPayments
          ? 'Card payments: connect Stripe, then <em>Pay by card</em> opens a simulated Stripe Checkout page.'
          : '',
      ]
        .filter(Boolean)
        .join('\n      ')
    : '';
  const banner = demo
    ? `<aside class="demo" role="note" aria-label="Demo mode">
      <strong>Demo mode.</strong> Every provider here is simulated on this server; nothing reaches a real provider.
      ${demoHints}
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
  const dataManagerSection = hasDataManager
    ? `<section id="data-manager" aria-labelledby="data-manager-title">
      <h2 id="data-manager-title">Data Manager</h2>
      <pos-data-manager${token}></pos-data-manager>
    </section>`
    : '';
  const cardPayment = hasPayments
    ? `<div class="panel">
        <h3>Card payment with Stripe Checkout</h3>
        <pos-stripe-checkout-button amount="4250" currency="USD"${token}></pos-stripe-checkout-button>
        <button type="button" id="next-order" hidden>Next order</button>
      </div>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>POS Integrations${demo ? ' — demo' : ''}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <h1>POS Integrations</h1>
  <nav aria-label="Sections">
    ${hasIntegrations ? '<a href="#integrations">Integrations</a>' : ''}
    ${hasDataManager ? '<a href="#data-manager">Data Manager</a>' : ''}
    ${hasExport ? '<a href="#export">Export</a>' : ''}
    <a href="#checkout">Checkout</a>
  </nav>
</header>
<main id="main" tabindex="-1">
  ${banner}
  ${integrationsSection}
  ${dataManagerSection}
  ${exportSection}
  <section id="checkout" aria-labelledby="checkout-title">
    <h2 id="checkout-title">Checkout</h2>
    <p class="order">Order <strong id="order-id"></strong> · total $42.50</p>
    <div class="payments">
      <div class="panel">
        <h3>Record a manual payment</h3>
        <pos-payment-method-select total="4250" currency="USD"></pos-payment-method-select>
        <p id="selection" role="status" aria-live="polite"></p>
      </div>
      ${cardPayment}
    </div>
  </section>
</main>
<script type="module" src="${SETTINGS_SCRIPT_PATH}"></script>
</body>
</html>
`;
}
