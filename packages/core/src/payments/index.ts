export {
  type CheckoutSessionInput,
  checkoutSessionInput,
  MAX_PAYMENT_AMOUNT,
  MAX_PAYMENT_PAGE,
  orderIdSchema,
  type PaymentListInput,
  paymentListInput,
  paymentStatusSchema,
} from './input.js';
export type {
  CheckoutCapability,
  CheckoutEvent,
  CheckoutSessionRequest,
  CheckoutSessionSnapshot,
  SessionOutcome,
  WebhookDelivery,
  WebhookRules,
} from './provider.js';
export {
  type ConnectionAccess,
  checkoutIdempotencyKey,
  type PaymentOptions,
  PaymentService,
  type WebhookResult,
} from './service.js';
export { isPaidOutcome, nextState, outcomeTarget, type SessionState } from './state.js';
export { outboxRow, type PaymentDetail, type PaymentPage, type PaymentView, paymentView } from './view.js';
