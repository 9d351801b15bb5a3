/** What every full build defines at once: the export build and the integrations. */
export * from './export.js';
export { deliverOAuthResult, isOAuthResult, type OAuthResult, oauthResultFromUrl } from './oauth-return.js';
export { PosIntegrationCard } from './pos-integration-card/pos-integration-card.js';
export { PosIntegrationLogsDrawer } from './pos-integration-logs-drawer/pos-integration-logs-drawer.js';
export { PosIntegrations } from './pos-integrations/pos-integrations.js';
