import { PosApiClient } from '../api-client.js';

export type PaymentStatus = 'pending' | 'paid' | 'expired' | 'failed';

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
}
