import { IntegrationError, type Integrations } from '@pos/integrations-core';
import { Router } from 'express';
import { escapeHtml } from './consent-page.js';
import { DEMO_TENANT, SIMULATOR_PREFIX } from './constants.js';

/**
 * Demo-mode conveniences for clicking through an OAuth round trip in a browser: a link that
 * starts it for the demo tenant, and a page where the callback lands to show how it ended.
 */
export function demoOAuthPages(integrations: Integrations, returnPath: string): Router {
  const router = Router();
  const oauthProviders = () => integrations.connectors.list().filter((connector) => connector.kind === 'oauth');

  // The demo tenant's key is published anyway; this saves pasting it into curl for a browser trip.
  router.get(`${SIMULATOR_PREFIX}/connect/:provider`, async (req, res) => {
    const provider = oauthProviders().find((connector) => connector.id === req.params.provider);
    if (!provider) throw new IntegrationError('NOT_FOUND', `No OAuth integration named "${req.params.provider}".`);
    const { auth_url } = await integrations.authorizationUrl(DEMO_TENANT, provider.id);
    res.redirect(302, auth_url);
  });

  router.get(returnPath, (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    const outcome = query.provider
      ? `${query.provider}: ${query.status ?? 'unknown'}${query.error_code ? ` (${query.error_code})` : ''}`
      : 'No OAuth round trip has ended here yet.';
    const links = oauthProviders()
      .map(
        (connector) =>
          `<li><a href="${SIMULATOR_PREFIX}/connect/${connector.id}">Connect ${escapeHtml(connector.displayName)}</a></li>`,
      )
      .join('');
    res.type('html').send(`<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Integrations (demo mode)</title></head>
  <body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto">
    <p style="background: #b91c1c; color: #fff; padding: 8px 12px; font-weight: 700">DEMO MODE: providers are simulated.</p>
    <h1>Integrations</h1>
    <p id="outcome" role="status">${escapeHtml(outcome)}</p>
    <ul>${links}</ul>
    <p>Status, summary and logs: <code>GET /api/integrations/&lt;provider&gt;/status</code> with the demo API key.</p>
  </body>
</html>
`);
  });

  return router;
}
