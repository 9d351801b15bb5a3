import { defineElement } from '../define-element.js';
// The refund form the button shows under a paid payment.
import '../pos-refund-form/define.js';
import { PosStripeCheckoutButton } from './pos-stripe-checkout-button.js';

/** Registers `<pos-stripe-checkout-button>`; importing this module is what defines the element under its own name. */
defineElement('pos-stripe-checkout-button', PosStripeCheckoutButton);

export { PosStripeCheckoutButton };

declare global {
  interface HTMLElementTagNameMap {
    'pos-stripe-checkout-button': PosStripeCheckoutButton;
  }
}
