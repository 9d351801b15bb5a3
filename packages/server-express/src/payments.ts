import {
  type Clock,
  checkoutSessionInput,
  IntegrationError,
  type Logger,
  LogThrottle,
  orderIdSchema,
  type PaymentService,
  parseInput,
  paymentListInput,
  refundInput,
} from '@pos/integrations-core';
import type { Request, RequestHandler, Router } from 'express';
import type { OperationDoc } from './openapi.js';
import { emptyBody, emptyObject, tenantOf } from './request.js';

/** Where `captureRawBody` keeps the bytes, for a host that parses JSON before the router. */
const RAW_BODY = Symbol.for('pos-integrations.raw-body');

/**
 * For hosts that mount `express.json()` before the integrations router: pass it as the parser's
 * `verify` option (`express.json({ verify: captureRawBody })`) so the webhook route still gets
 * the exact bytes the provider signed. Mounting the router first needs nothing.
 */
export function captureRawBody(req: unknown, _res: unknown, body: Buffer): void {
  (req as Record<symbol, Buffer>)[RAW_BODY] = body;
}

const MB = 1024 * 1024;
const sizeText = (bytes: number) => (bytes % MB === 0 ? `${bytes / MB} MB` : `${bytes} bytes`);

/**
 * The bytes as received, up to the checkout provider's `maxBodyBytes`; undefined when a parser
 * before the router consumed them and left only a parsed copy. The route reads the stream itself
 * rather than through body-parser: it is the busiest route, it needs nothing but the bytes, and
 * webhooks are not compressed.
 */
function rawBodyOf(req: Request, limit: number): Promise<Buffer> | Buffer | undefined {
  const captured = (req as unknown as Record<symbol, Buffer | undefined>)[RAW_BODY];
  if (captured) return captured;
  if (Buffer.isBuffer(req.body)) return req.body;
  if (req.body !== undefined || req.readableEnded) return undefined;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the answer still reaches the client.
      if (size <= limit) chunks.push(chunk);
    });
    req.once('end', () => {
      if (size > limit) {
        reject(new IntegrationError('PAYLOAD_TOO_LARGE', `The webhook body is larger than ${sizeText(limit)}.`));
      } else {
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
      }
    });
    req.once('error', () => {
      reject(new IntegrationError('VALIDATION_FAILED', 'The request was aborted before its body arrived.'));
    });
  });
}

export interface PaymentRoutes {
  authenticate: RequestHandler;
  json: RequestHandler;
  logger: Logger;
  /** The clock the rejected-webhook log line is throttled on (one line a minute at most). */
  clock: Clock;
  /** Adds each route to the router's OpenAPI document. */
  describe?: (operation: OperationDoc) => void;
}

/**
 * `POST /api/payments/checkout-session`, `GET /api/payments/orders/:orderId/payment`,
 * `GET /api/payments` (API key), and `POST /api/payments/webhooks/<provider>` (the provider's
 * signature instead of an API key; the raw body reaches the verifier untouched). The signature
 * header and the body limit are the ones the checkout capability declares (`webhook`).
 */
export function mountPayments(router: Router, payments: PaymentService, routes: PaymentRoutes) {
  const { authenticate, json, logger } = routes;
  const { signatureHeader, maxBodyBytes } = payments.webhook;
  // Anyone can post to the webhook route: its refusals are counted, and logged once per interval.
  const rejections = new LogThrottle({
    logger,
    clock: routes.clock,
    level: 'warn',
    message: 'Webhook rejected: signature invalid',
    countBy: 'reason',
  });
  const describe = routes.describe ?? (() => {});
  const tag = 'Payments';
  describe({
    method: 'post',
    path: '/api/payments/checkout-session',
    tag,
    summary: "Opens (or returns) the provider's hosted checkout for an order.",
    body: checkoutSessionInput,
  });
  router.post('/api/payments/checkout-session', authenticate, json, async (req, res) => {
    const body = parseInput(checkoutSessionInput, req.body, 'request body');
    res.json(await payments.createCheckoutSession(tenantOf(res), body));
  });

  describe({
    method: 'get',
    path: '/api/payments/orders/:orderId/payment',
    tag,
    summary: "An order's payment and the webhook events applied to it.",
    params: { orderId: orderIdSchema },
  });
  router.get('/api/payments/orders/:orderId/payment', authenticate, async (req, res) => {
    const orderId = parseInput(orderIdSchema, req.params.orderId, 'order id in the path');
    res.json(await payments.get(tenantOf(res), orderId));
  });

  describe({
    method: 'post',
    path: '/api/payments/orders/:orderId/cancel',
    tag,
    summary:
      "Cancels the order's open checkout (closed at the provider first); 409 PAYMENT_ALREADY_PAID when the customer paid meanwhile.",
    params: { orderId: orderIdSchema },
    body: emptyObject,
  });
  router.post('/api/payments/orders/:orderId/cancel', authenticate, json, async (req, res) => {
    const orderId = parseInput(orderIdSchema, req.params.orderId, 'order id in the path');
    parseInput(emptyBody, req.body, 'request body');
    res.json(await payments.cancel(tenantOf(res), orderId));
  });

  describe({
    method: 'post',
    path: '/api/payments/orders/:orderId/refunds',
    tag,
    summary:
      'Refunds a paid order (amount in minor units, default what remains); an Idempotency-Key header makes a repeated request refund once.',
    params: { orderId: orderIdSchema },
    body: refundInput,
  });
  router.post('/api/payments/orders/:orderId/refunds', authenticate, json, async (req, res) => {
    const orderId = parseInput(orderIdSchema, req.params.orderId, 'order id in the path');
    const body = parseInput(refundInput, req.body ?? {}, 'request body');
    res.status(201).json(await payments.refund(tenantOf(res), orderId, body, req.get('idempotency-key')));
  });

  describe({
    method: 'get',
    path: '/api/payments/orders/:orderId/refunds',
    tag,
    summary: "The refunds of an order's payment, oldest first, whoever made them.",
    params: { orderId: orderIdSchema },
  });
  router.get('/api/payments/orders/:orderId/refunds', authenticate, async (req, res) => {
    const orderId = parseInput(orderIdSchema, req.params.orderId, 'order id in the path');
    res.json(await payments.refunds(tenantOf(res), orderId));
  });

  describe({
    method: 'get',
    path: '/api/payments',
    tag,
    summary: "The tenant's payments, newest first.",
    query: paymentListInput,
  });
  router.get('/api/payments', authenticate, async (req, res) => {
    res.json(await payments.list(tenantOf(res), parseInput(paymentListInput, req.query, 'query')));
  });

  // Any content type: the signature covers the bytes, whatever the provider labels them.
  describe({
    method: 'post',
    path: `/api/payments/webhooks/${payments.provider}`,
    tag,
    summary: 'Signed webhook events from the checkout provider (authenticated by their signature).',
    authenticated: false,
    rawBody: `The provider's signed bytes, verified with the \`${signatureHeader}\` header.`,
  });
  router.post(`/api/payments/webhooks/${payments.provider}`, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const body = await rawBodyOf(req, maxBodyBytes);
    if (!body) {
      logger.error(
        { path: req.path },
        'A webhook body was parsed before it reached the verifier, so its signature cannot be checked. Mount integrationsRouter before express.json(), or use express.json({ verify: captureRawBody }).',
      );
      throw new IntegrationError(
        'WEBHOOK_BODY_UNAVAILABLE',
        'The server parsed the webhook body before verifying it; the delivery will be retried once that is fixed.',
      );
    }
    try {
      const result = await payments.handleWebhook({ body, signature: req.get(signatureHeader) });
      // Answered as plainly as possible: providers only read the status, and wait for it.
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(result));
    } catch (error) {
      if (error instanceof IntegrationError && error.code === 'WEBHOOK_SIGNATURE_INVALID') {
        rejections.record({ provider: payments.provider, ...error.details });
      }
      throw error;
    }
  });
}
