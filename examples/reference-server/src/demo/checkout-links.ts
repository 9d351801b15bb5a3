import { randomBytes } from 'node:crypto';
import { IntegrationError, type Integrations } from '@pos/integrations-core';
import { Router } from 'express';
import { DEMO_TENANT, SIMULATOR_PREFIX } from './constants.js';

/**
 * Demo mode only: `/demo/checkout?amount=4250&currency=usd[&order_id=…]` opens a checkout
 * session for the demo tenant and sends the browser to the simulated hosted page, so the whole
 * payment can be clicked through (connect Stripe first at `/demo/connect/stripe`).
 */
export function demoCheckoutLinks(integrations: Integrations): Router {
  const router = Router();
  router.get(`${SIMULATOR_PREFIX}/checkout`, async (req, res) => {
    const payments = integrations.payments;
    if (!payments) throw new IntegrationError('NOT_FOUND', 'Payments are not configured.');
    const query = req.query as Record<string, string | undefined>;
    const created = await payments.createCheckoutSession(DEMO_TENANT, {
      order_id: query.order_id ?? `DEMO-${randomBytes(4).toString('hex').toUpperCase()}`,
      amount: Number(query.amount ?? 4250),
      currency: query.currency ?? 'usd',
    });
    if (!created.checkout_url) throw new IntegrationError('CONFLICT', 'The order has no open checkout session.');
    res.redirect(302, created.checkout_url);
  });
  return router;
}
