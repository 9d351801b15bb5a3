import { defineElement } from '../define-element.js';
import { PosDataExport } from './pos-data-export.js';

/** Registers `<pos-data-export>`; importing this module is what defines the element under its own name. */
defineElement('pos-data-export', PosDataExport);

export { PosDataExport };

declare global {
  interface HTMLElementTagNameMap {
    'pos-data-export': PosDataExport;
  }
}
