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
};

export type CheckoutStrings = typeof checkoutStrings;

addStrings(checkoutStrings);
