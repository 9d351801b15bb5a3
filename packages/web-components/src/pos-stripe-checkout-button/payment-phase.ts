import { formatAmount } from '../money.js';
import { strings } from '../strings.js';
import './checkout.strings.js';
import type { Payment } from './payments-client.js';

/** Where the order's payment stands, as this element shows it. */
export type Phase = 'idle' | 'open' | 'processing' | 'paid' | 'ended';

export function phaseOf(payment: Payment | undefined, now: number): Phase {
  if (!payment) return 'idle';
  if (['paid', 'partially_refunded', 'refunded', 'disputed'].includes(payment.status)) return 'paid';
  if (payment.status !== 'pending') return 'ended';
  if (payment.checkout_url) return 'open';
  // Past its expiry with no word from Stripe yet: a new checkout asks Stripe and replaces it.
  if (payment.expires_at && Date.parse(payment.expires_at) <= now) return 'ended';
  return 'processing';
}

/** The paid line: paid, refunded in part or in full, or disputed. */
export function paidText(payment: Payment, amount: string): string {
  const currency = payment.currency.toUpperCase();
  if (payment.status === 'disputed' && payment.dispute) {
    return strings.checkoutDisputed(formatAmount(payment.dispute.amount, currency), payment.dispute.status);
  }
  if (payment.status === 'refunded') return strings.checkoutRefunded(amount);
  if (payment.status === 'partially_refunded') {
    return strings.checkoutPartlyRefunded(formatAmount(payment.refunded_amount, currency), amount);
  }
  return strings.checkoutPaid(amount);
}
