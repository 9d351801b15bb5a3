import { addStrings } from '../strings.js';

/** The checkout button's texts; `setStrings` replaces them like any other. */
export const checkoutStrings = {
  checkoutPay: (amount: string) => `Pay ${amount} by card`,
  checkoutCreating: 'Opening the checkout…',
  checkoutScan: (amount: string) => `Scan to pay ${amount}, or open the checkout page.`,
  checkoutQrLabel: 'QR code of the checkout link',
  checkoutOpen: 'Open the checkout page',
  checkoutUnsafeLink: 'The server sent a checkout link that is not a secure (https) address, so it is not shown.',
  checkoutWaiting: 'Waiting for the payment…',
  checkoutExpires: (when: string) => `The link expires ${when}.`,
  checkoutProcessing: 'The customer finished checkout; the payment is on its way.',
  checkoutPaid: (amount: string) => `Paid ${amount}.`,
  checkoutExpired: 'The checkout expired or was cancelled.',
  checkoutFailed: 'The payment failed.',
  checkoutAgain: 'Start a new checkout',
  checkoutNotConnected: 'Card payments need Stripe: connect Stripe to take them.',
  checkoutNeedsReconnect: 'Stripe needs to be connected again before it can take card payments.',
  checkoutCancel: 'Cancel checkout',
  checkoutCanceling: 'Cancelling…',
  checkoutCanceled: 'The checkout was cancelled; the customer can no longer pay with that link.',
  checkoutRefunded: (amount: string) => `Paid ${amount}, refunded in full.`,
  checkoutPartlyRefunded: (refunded: string, amount: string) => `Paid ${amount}; ${refunded} refunded.`,
  checkoutDisputed: (amount: string, status: string) =>
    `The customer disputed ${amount} with their bank (${status.replaceAll('_', ' ')}).`,
  refundOpen: 'Refund…',
  refundAmount: (left: string) => `Amount to refund (up to ${left})`,
  refundReview: 'Review refund',
  refundInvalid: (left: string) => `Enter an amount between the smallest unit and ${left}.`,
  refundConfirmTitle: 'Refund this payment?',
  refundConfirmBody: (amount: string, paid: string, orderId: string, after: string) =>
    `${amount} of the ${paid} paid for order ${orderId} goes back to the customer's card. ${after} will remain refundable. This cannot be undone.`,
  refundConfirm: (amount: string) => `Refund ${amount}`,
  refunding: 'Refunding…',
  refundDone: (amount: string) => `Refunded ${amount}.`,
};

export type CheckoutStrings = typeof checkoutStrings;

addStrings(checkoutStrings);
