/** The full build: every element. */
export * from './full-eager.js';
export { type DataManagerStrings, dataManagerStrings } from './pos-data-manager/data-manager.strings.js';
export * from './pos-data-manager/data-manager-client.js';
export { PosDataManager } from './pos-data-manager/define.js';
export { PosRefundForm } from './pos-refund-form/define.js';
export { type CheckoutStrings, checkoutStrings } from './pos-stripe-checkout-button/checkout.strings.js';
export { PosStripeCheckoutButton } from './pos-stripe-checkout-button/define.js';
export * from './pos-stripe-checkout-button/payments-client.js';
