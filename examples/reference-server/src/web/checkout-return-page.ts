import { IntegrationError, type Integrations, orderIdSchema, type PaymentView } from '@pos/integrations-core';
import { Router } from 'express';
import { type PageSecurity, pageSecurityHeaders } from './security-headers.js';

/** Where Stripe sends customers back; `{ORDER_ID}` is filled in by the connector. */
export const CHECKOUT_RETURN_PATH = '/checkout/return';

export function checkoutReturnUrls(ownUrl: () => string) {
  return {
    successUrl: () => `${ownUrl()}${CHECKOUT_RETURN_PATH}?order_id={ORDER_ID}&result=success`,
    cancelUrl: () => `${ownUrl()}${CHECKOUT_RETURN_PATH}?order_id={ORDER_ID}&result=cancel`,
  };
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2933}code{background:#f4f4f5;padding:0 4px;border-radius:4px;overflow-wrap:anywhere}';

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const HEADLINE: Record<PaymentView['status'], string> = {
  paid: 'Payment received',
  pending: 'Payment on its way',
  expired: 'Checkout cancelled or expired',
  failed: 'Payment failed',
  canceled: 'Checkout cancelled',
  partially_refunded: 'Payment received, partly refunded',
  refunded: 'Payment refunded',
  disputed: 'Payment disputed',
};

/**
 * The page customers land on after the hosted checkout. The payment's status comes from the
 * webhook, never from this URL (anyone can open it). In demo mode the page shows the demo
 * tenant's payment; in real mode it only thanks the customer, since it has no API key.
 */
export function checkoutReturnPage(options: {
  integrations: Integrations;
  demoTenant?: string;
  security?: PageSecurity;
}): Router {
  const router = Router();
  const secure = pageSecurityHeaders(options.security ?? { frameAncestors: [] }, [STYLE]);
  router.get(CHECKOUT_RETURN_PATH, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    secure(res);
    const orderId = orderIdSchema.safeParse(req.query.order_id);
    const cancelled = req.query.result === 'cancel';
    let payment: PaymentView | undefined;
    if (orderId.success && options.demoTenant && options.integrations.payments) {
      try {
        payment = await options.integrations.payments.get(options.demoTenant, orderId.data);
      } catch (error) {
        if (!(error instanceof IntegrationError && error.code === 'NOT_FOUND')) throw error;
      }
    }
    const headline = payment ? HEADLINE[payment.status] : cancelled ? 'Checkout cancelled' : 'Thank you';
    const detail = payment
      ? `Order <code>${escapeHtml(payment.order_id)}</code>: payment status <strong data-status="${payment.status}">${payment.status}</strong>.`
      : 'The point of sale shows the payment once Stripe confirms it.';
    res.type('html').send(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${headline}</title>
<style>${STYLE}</style></head>
<body><h1>${headline}</h1><p>${detail}</p></body>
</html>
`);
  });
  return router;
}
