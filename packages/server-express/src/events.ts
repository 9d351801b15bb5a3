import { eventLogInput, parseInput, variantHasIntegrations } from '@pos/integrations-core';
import { tenantOf } from './request.js';
import type { Feature } from './router.js';

/**
 * `GET /api/integrations/events/logs`: the tenant's host events with every webhook delivery
 * attempt (status code, error), newest first. Mounted when event delivery is configured.
 */
export const mountEvents: Feature = ({ router, integrations, authenticate, describe }) => {
  if (!integrations.events.delivery || !variantHasIntegrations(integrations.variant)) return;
  describe({
    method: 'get',
    path: '/api/integrations/events/logs',
    tag: 'Events',
    summary: "The tenant's events and their webhook delivery attempts, newest first.",
    query: eventLogInput,
  });
  router.get('/api/integrations/events/logs', authenticate, async (req, res) => {
    const query = parseInput(eventLogInput, req.query, 'query');
    res.json(await integrations.events.log(tenantOf(res), query));
  });
};
