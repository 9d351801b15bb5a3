import { PosApiClient } from '../api-client.js';

export type PaymentStatus =
  | 'pending'
  | 'paid'
  | 'expired'
  | 'failed'
  | 'canceled'
  | 'partially_refunded'
  | 'refunded'
  | 'disputed';

/** A chargeback on the payment. */
export interface PaymentDispute {
  id: string;
  status: string;
  closed: boolean;
  amount: number;
  currency: string;
  reason: string | null;
}

/** An order's payment, from `/api/payments`. */
export interface Payment {
  payment_id: string;
  order_id: string;
  provider: string;
  session_id: string | null;
  /** Where the customer pays; only while the session is open. */
  checkout_url: string | null;
  status: PaymentStatus;
  /** Minor units (cents). */
  amount: number;
  currency: string;
  attempt: number;
  expires_at: string | null;
  /** Minor units refunded so far. */
  refunded_amount: number;
  dispute: PaymentDispute | null;
  /** A webhook reported another amount or currency than was asked for: someone should look. */
  needs_review: boolean;
  created_at: string;
  updated_at: string;
}

export interface CheckoutRequest {
  order_id: string;
  /** Minor units (cents). */
  amount: number;
  currency: string;
}

/** One refund of a payment. */
export interface Refund {
  refund_id: string;
  order_id: string | null;
  payment_id: string | null;
  provider_refund_id: string | null;
  /** Minor units (cents). */
  amount: number;
  currency: string;
  reason: string | null;
  status: 'requested' | 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';
  source: 'api' | 'provider';
  failure_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** The payment routes, `/api/payments/…` (full build only). */
export class PaymentsClient extends PosApiClient {
  /** Opens (or returns the open) Stripe Checkout session for an order. */
  createCheckoutSession(request: CheckoutRequest): Promise<Payment> {
    return this.call('POST', ['payments', 'checkout-session'], { body: request });
  }

  /** The order's payment; `NOT_FOUND` when it has none yet. */
  orderPayment(orderId: string): Promise<Payment> {
    return this.call('GET', ['payments', 'orders', orderId, 'payment']);
  }

  /** Closes the order's open checkout; `PAYMENT_ALREADY_PAID` when the customer paid meanwhile. */
  cancelCheckout(orderId: string): Promise<Payment> {
    return this.call('POST', ['payments', 'orders', orderId, 'cancel']);
  }

  /** Refunds `amount` minor units (default: what remains); the key makes a repeated click refund once. */
  refund(orderId: string, amount: number, idempotencyKey: string): Promise<{ refund: Refund; payment: Payment }> {
    return this.call('POST', ['payments', 'orders', orderId, 'refunds'], {
      body: { amount },
      headers: { 'Idempotency-Key': idempotencyKey },
    });
  }
}
