export type { Lazy } from '@pos/integrations-core/connector';
export {
  DEFAULT_SALES_ITEM,
  DOC_NUMBER_MAX,
  fromReceiptAnswer,
  type QuickBooksAccountingOptions,
  quickbooksAccounting,
} from './accounting.js';
export { type CompanyInfo, type CompanyReader, companyReader, MINOR_VERSION } from './company.js';
export {
  fromQuickBooksError,
  type QuickBooksCall,
  type QuickBooksFault,
  quickbooksErrors,
  readFault,
} from './errors.js';
export { INTUIT_OAUTH_ENDPOINTS, type IntuitOAuthEndpoints, intuitEndpointsAt } from './oauth.js';
export {
  QUICKBOOKS_API_HOSTS,
  QUICKBOOKS_ENVIRONMENTS,
  QUICKBOOKS_REQUIRED_ENV,
  QUICKBOOKS_SCOPE,
  type QuickBooksConnector,
  type QuickBooksEnvironment,
  type QuickBooksOptions,
  type QuickBooksPublicData,
  type QuickBooksSecret,
  quickbooks,
  quickbooksFromEnv,
} from './quickbooks.js';
