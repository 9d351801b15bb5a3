/**
 * The full browser bundle (`dist/browser/pos-web-components.js`, Lit included): every element.
 * The Data Manager and the checkout button are defined the first time a page shows one, their
 * code (and the QR encoder) loading then from chunks beside this file, so a settings page never
 * downloads the checkout and a checkout screen never downloads the Data Manager.
 */
import { defineOnFirstUse } from './define-on-first-use.js';

export * from './full-eager.js';
// Types only: the classes are defined on first use, not exported by this bundle.
export type * from './pos-data-manager/data-manager-client.js';
export type { PosDataManager } from './pos-data-manager/pos-data-manager.js';
export type { PosRefundForm } from './pos-refund-form/pos-refund-form.js';
export type * from './pos-stripe-checkout-button/payments-client.js';
export type { PosStripeCheckoutButton } from './pos-stripe-checkout-button/pos-stripe-checkout-button.js';

/**
 * Defines the Data Manager and the checkout button now, resolving once both are defined. A page
 * that places them inside its own elements' shadow roots calls this, since only elements in the
 * document itself are seen on first use.
 */
export const defineAllElements: () => Promise<void> = defineOnFirstUse({
  'pos-data-manager': () => import('./pos-data-manager/define.js'),
  'pos-stripe-checkout-button': () => import('./pos-stripe-checkout-button/define.js'),
  'pos-refund-form': () => import('./pos-refund-form/define.js'),
});
