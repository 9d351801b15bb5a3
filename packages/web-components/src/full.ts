/** The full build: every element. */
export * from './api-client.js';
export { PosApiElement } from './api-element.js';
export * from './lite.js';
export { deliverOAuthResult, isOAuthResult, type OAuthResult, oauthResultFromUrl } from './oauth-return.js';
export { PosDataManager } from './pos-data-manager/pos-data-manager.js';
export { PosIntegrationCard } from './pos-integration-card/pos-integration-card.js';
export { PosIntegrationLogsDrawer } from './pos-integration-logs-drawer/pos-integration-logs-drawer.js';
export { PosIntegrations } from './pos-integrations/pos-integrations.js';
export { PosStripeCheckoutButton } from './pos-stripe-checkout-button/pos-stripe-checkout-button.js';
