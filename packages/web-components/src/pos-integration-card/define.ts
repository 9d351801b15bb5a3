import { defineElement } from '../define-element.js';
import { PosIntegrationCard } from './pos-integration-card.js';

/** Registers `<pos-integration-card>`; importing this module is what defines the element under its own name. */
defineElement('pos-integration-card', PosIntegrationCard);

export { PosIntegrationCard };

declare global {
  interface HTMLElementTagNameMap {
    'pos-integration-card': PosIntegrationCard;
  }
}
