import { defineElement } from '../define-element.js';
import { PosRefundForm } from './pos-refund-form.js';
import { PosStripeCheckoutButton } from './pos-stripe-checkout-button.js';

/** Registers `<pos-stripe-checkout-button>`; importing this module is what defines the element under its own name. */
defineElement('pos-stripe-checkout-button', PosStripeCheckoutButton);
defineElement('pos-refund-form', PosRefundForm);

export { PosRefundForm, PosStripeCheckoutButton };

declare global {
  interface HTMLElementTagNameMap {
    'pos-stripe-checkout-button': PosStripeCheckoutButton;
    'pos-refund-form': PosRefundForm;
  }
}
