/** What every full build defines at once: the export build and the integrations. */
export * from './export.js';
export { deliverOAuthResult, isOAuthResult, type OAuthResult, oauthResultFromUrl } from './oauth-return.js';
export { PosIntegrationCard } from './pos-integration-card/define.js';
export { PosIntegrationLogsDrawer } from './pos-integration-logs-drawer/define.js';
export { PosIntegrations } from './pos-integrations/define.js';
