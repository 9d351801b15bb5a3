import { defineElement } from '../define-element.js';
import { PosRefundForm } from './pos-refund-form.js';

/** Registers `<pos-refund-form>`; importing this module is what defines the element under its own name. */
defineElement('pos-refund-form', PosRefundForm);

export { PosRefundForm };

declare global {
  interface HTMLElementTagNameMap {
    'pos-refund-form': PosRefundForm;
  }
}
