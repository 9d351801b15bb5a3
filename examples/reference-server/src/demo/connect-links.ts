import { IntegrationError, type Integrations } from '@pos/integrations-core';
import { Router } from 'express';
import { DEMO_TENANT, SIMULATOR_PREFIX } from './constants.js';

/**
 * Demo mode only: `/demo/connect/<provider>` starts an OAuth round trip for the demo tenant and
 * sends the browser to the (simulated) consent page, so it can be clicked through without
 * pasting the demo key into curl. The callback then lands on the settings page.
 */
export function demoConnectLinks(integrations: Integrations): Router {
  const router = Router();
  router.get(`${SIMULATOR_PREFIX}/connect/:provider`, async (req, res) => {
    const provider = integrations.connectors
      .list()
      .find((connector) => connector.kind === 'oauth' && connector.id === req.params.provider);
    if (!provider) throw new IntegrationError('NOT_FOUND', `No OAuth integration named "${req.params.provider}".`);
    const { auth_url } = await integrations.authorizationUrl(DEMO_TENANT, provider.id);
    res.redirect(302, auth_url);
  });
  return router;
}
