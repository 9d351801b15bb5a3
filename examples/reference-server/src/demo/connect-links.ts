import { IntegrationError, type Integrations } from '@pos/integrations-core';
import type { bindOAuthFlow, oauthCallbackPath } from '@pos/server-express/full';
import { Router } from 'express';
import { DEMO_TENANT, SIMULATOR_PREFIX } from './constants.js';

/**
 * Demo mode only: `/demo/connect/<provider>` starts an OAuth round trip for the demo tenant and
 * sends the browser to the (simulated) consent page, so it can be clicked through without
 * pasting the demo key into curl. Like the auth-url route, it gives the browser the flow's cookie,
 * which the callback requires. The callback then lands on the settings page.
 */
export function demoConnectLinks(
  integrations: Integrations,
  flows: { bindOAuthFlow: typeof bindOAuthFlow; oauthCallbackPath: typeof oauthCallbackPath },
): Router {
  const router = Router();
  router.get(`${SIMULATOR_PREFIX}/connect/:provider`, async (req, res) => {
    const provider = integrations.connectors
      .list()
      .find((connector) => connector.kind === 'oauth' && connector.id === req.params.provider);
    if (!provider) throw new IntegrationError('NOT_FOUND', `No OAuth integration named "${req.params.provider}".`);
    const { auth_url, state } = await integrations.connections.authorizationUrl(DEMO_TENANT, provider.id);
    // The API router is mounted at the root of this server.
    flows.bindOAuthFlow(req, res, state, flows.oauthCallbackPath('', provider.id));
    res.redirect(302, auth_url);
  });
  return router;
}
