/** The full build: every element. */
export * from './export.js';
export { deliverOAuthResult, isOAuthResult, type OAuthResult, oauthResultFromUrl } from './oauth-return.js';
export { type DataManagerStrings, dataManagerStrings } from './pos-data-manager/data-manager.strings.js';
export * from './pos-data-manager/data-manager-client.js';
export { PosDataManager } from './pos-data-manager/pos-data-manager.js';
export { PosIntegrationCard } from './pos-integration-card/pos-integration-card.js';
export { PosIntegrationLogsDrawer } from './pos-integration-logs-drawer/pos-integration-logs-drawer.js';
export { PosIntegrations } from './pos-integrations/pos-integrations.js';
export { type CheckoutStrings, checkoutStrings } from './pos-stripe-checkout-button/checkout.strings.js';
export * from './pos-stripe-checkout-button/payments-client.js';
export { PosStripeCheckoutButton } from './pos-stripe-checkout-button/pos-stripe-checkout-button.js';
