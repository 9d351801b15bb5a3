/**
 * Every element class and what they share, with nothing registered: for a host that defines the
 * elements under names of its own (`customElements.define('my-data-manager', PosDataManager)`).
 * The other entry points, and `define/<tag>` for one element, register them under their own names.
 */
export * from './api-client.js';
export { PosApiElement } from './api-element.js';
export { defineElement } from './define-element.js';
export { emit, type PaymentSplit, type PosEventMap, type PosEventName } from './events.js';
export { deliverOAuthResult, isOAuthResult, type OAuthResult, oauthResultFromUrl } from './oauth-return.js';
export { PosDataExport } from './pos-data-export/pos-data-export.js';
export { type DataManagerStrings, dataManagerStrings } from './pos-data-manager/data-manager.strings.js';
export * from './pos-data-manager/data-manager-client.js';
export { PosDataManager } from './pos-data-manager/pos-data-manager.js';
export { PosIntegrationCard } from './pos-integration-card/pos-integration-card.js';
export { PosIntegrationLogsDrawer } from './pos-integration-logs-drawer/pos-integration-logs-drawer.js';
export { PosIntegrations } from './pos-integrations/pos-integrations.js';
export { type PaymentMethod, PosPaymentMethodSelect } from './pos-payment-method-select/pos-payment-method-select.js';
export { PosRefundForm } from './pos-refund-form/pos-refund-form.js';
export { type CheckoutStrings, checkoutStrings } from './pos-stripe-checkout-button/checkout.strings.js';
export * from './pos-stripe-checkout-button/payments-client.js';
export { PosStripeCheckoutButton } from './pos-stripe-checkout-button/pos-stripe-checkout-button.js';
export { defaultStrings, formatTimestamp, type PosStrings, setStrings, strings } from './strings.js';
