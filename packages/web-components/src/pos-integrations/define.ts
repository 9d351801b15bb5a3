import { defineElement } from '../define-element.js';
import { PosIntegrations } from './pos-integrations.js';

/** Registers `<pos-integrations>`; importing this module is what defines the element under its own name. */
defineElement('pos-integrations', PosIntegrations);

export { PosIntegrations };

declare global {
  interface HTMLElementTagNameMap {
    'pos-integrations': PosIntegrations;
  }
}
