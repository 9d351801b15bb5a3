import { defineElement } from '../define-element.js';
import { PosIntegrationLogsDrawer } from './pos-integration-logs-drawer.js';

/** Registers `<pos-integration-logs-drawer>`; importing this module is what defines the element under its own name. */
defineElement('pos-integration-logs-drawer', PosIntegrationLogsDrawer);

export { PosIntegrationLogsDrawer };

declare global {
  interface HTMLElementTagNameMap {
    'pos-integration-logs-drawer': PosIntegrationLogsDrawer;
  }
}
