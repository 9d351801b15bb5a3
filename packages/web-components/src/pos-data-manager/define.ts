import { defineElement } from '../define-element.js';
import { PosDataManager } from './pos-data-manager.js';

/** Registers `<pos-data-manager>`; importing this module is what defines the element under its own name. */
defineElement('pos-data-manager', PosDataManager);

export { PosDataManager };

declare global {
  interface HTMLElementTagNameMap {
    'pos-data-manager': PosDataManager;
  }
}
