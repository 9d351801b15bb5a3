import { defineElement } from '../define-element.js';
import { PosPaymentMethodSelect } from './pos-payment-method-select.js';

/** Registers `<pos-payment-method-select>`; importing this module is what defines the element under its own name. */
defineElement('pos-payment-method-select', PosPaymentMethodSelect);

export { PosPaymentMethodSelect };

declare global {
  interface HTMLElementTagNameMap {
    'pos-payment-method-select': PosPaymentMethodSelect;
  }
}
