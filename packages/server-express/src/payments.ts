import {
  checkoutSessionInput,
  IntegrationError,
  type Logger,
  orderIdSchema,
  type PaymentService,
  paymentListInput,
} from '@pos/integrations-core';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { parse, tenantOf } from './request.js';

/** Where `captureRawBody` keeps the bytes, for a host that parses JSON before the router. */
const RAW_BODY = Symbol.for('pos-integrations.raw-body');

/**
 * For hosts that mount `express.json()` before the integrations router: pass it as the parser's
 * `verify` option (`express.json({ verify: captureRawBody })`) so the webhook route still gets
 * the exact bytes Stripe signed. Mounting the router first needs nothing.
 */
export function captureRawBody(req: unknown, _res: unknown, body: Buffer): void {
  (req as Record<symbol, Buffer>)[RAW_BODY] = body;
}

/** The bytes as received, whoever read the stream; undefined when only a parsed copy is left. */
function rawBodyOf(req: Request): Buffer | undefined {
  const captured = (req as unknown as Record<symbol, Buffer | undefined>)[RAW_BODY];
  if (captured) return captured;
  if (Buffer.isBuffer(req.body)) return req.body;
  // Nothing read the stream before us (express.raw below saw no body): an empty body.
  return req.body === undefined ? Buffer.alloc(0) : undefined;
}

export interface PaymentRoutes {
  authenticate: RequestHandler;
  json: RequestHandler;
  logger: Logger;
}

/**
 * `POST /api/payments/checkout-session`, `GET /api/payments/orders/:orderId/payment`,
 * `GET /api/payments` (API key), and `POST /api/payments/webhooks/<provider>` (the provider's
 * signature instead of an API key; the raw body reaches the verifier untouched).
 */
export function mountPayments(router: Router, payments: PaymentService, { authenticate, json, logger }: PaymentRoutes) {
  router.post('/api/payments/checkout-session', authenticate, json, async (req, res) => {
    const body = parse(checkoutSessionInput, req.body, 'request body');
    res.json(await payments.createCheckoutSession(tenantOf(res), body));
  });

  router.get('/api/payments/orders/:orderId/payment', authenticate, async (req, res) => {
    const orderId = parse(orderIdSchema, req.params.orderId, 'order id');
    res.json(await payments.get(tenantOf(res), orderId));
  });

  router.get('/api/payments', authenticate, async (req, res) => {
    res.json(await payments.list(tenantOf(res), parse(paymentListInput, req.query, 'query')));
  });

  // Any content type: the signature covers the bytes, whatever Stripe labels them.
  const raw = express.raw({ type: () => true, limit: '1mb' });
  router.post(`/api/payments/webhooks/${payments.provider}`, raw, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const body = rawBodyOf(req);
    if (!body) {
      logger.error(
        'A webhook body was parsed before it reached the verifier, so its signature cannot be checked. Mount integrationsRouter before express.json(), or use express.json({ verify: captureRawBody }).',
        { path: req.path },
      );
      throw new IntegrationError(
        'WEBHOOK_BODY_UNAVAILABLE',
        'The server parsed the webhook body before verifying it; the delivery will be retried once that is fixed.',
      );
    }
    try {
      const result = await payments.handleWebhook({ body, signature: req.get('stripe-signature') });
      // Answered as plainly as possible: Stripe only reads the status, and waits for it.
      res.status(200).type('application/json').end(JSON.stringify(result));
    } catch (error) {
      if (error instanceof IntegrationError && error.code === 'WEBHOOK_SIGNATURE_INVALID') {
        logger.warn('Webhook rejected: signature invalid', { provider: payments.provider, ...error.details });
      }
      throw error;
    }
  });
}
