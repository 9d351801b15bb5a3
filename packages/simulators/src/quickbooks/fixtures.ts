/** Intuit's production hosts, which the msw simulation answers for by default (shared/providers.md §9). */
export const QUICKBOOKS_API = 'https://quickbooks.api.intuit.com';
export const QUICKBOOKS_SANDBOX_API = 'https://sandbox-quickbooks.api.intuit.com';
/** The consent page (`/connect/oauth2`). */
export const INTUIT_APPCENTER = 'https://appcenter.intuit.com';
/** The token endpoint (`/oauth2/v1/tokens/bearer`). */
export const INTUIT_OAUTH = 'https://oauth.platform.intuit.com';
/** The revocation endpoint (`/v2/oauth2/tokens/revoke`). */
export const INTUIT_DEVELOPER_API = 'https://developer.api.intuit.com';
/** The only scope a QuickBooks Online accounting app needs. */
export const QUICKBOOKS_SCOPE = 'com.intuit.quickbooks.accounting';

/** The app the simulator knows by default, and the company its consent step connects. */
export const QUICKBOOKS_CLIENT_ID = 'ABqbTestClientId0123456789abcdefghijklmnopqrstuv';
export const QUICKBOOKS_CLIENT_SECRET = 'qbTestClientSecret0123456789abcdefghijklm';
export const QUICKBOOKS_REALM_ID = '9341453050071234';
/** The redirect URI the simulated app registered by default. */
export const QUICKBOOKS_REDIRECT_URI = 'https://pos.example.com/api/integrations/quickbooks/callback';

/** A company in the shape of `GET /v3/company/{realmId}/companyinfo/{id}`'s `CompanyInfo`. */
export function quickbooksCompany(overrides: Record<string, unknown> = {}) {
  return {
    Id: '1',
    SyncToken: '4',
    domain: 'QBO',
    sparse: false,
    CompanyName: "Joe's Coffee LLC",
    LegalName: "Joe's Coffee Limited Liability Company",
    Country: 'US',
    FiscalYearStartMonth: 'January',
    CompanyStartDate: '2021-03-01',
    CompanyAddr: { Line1: '1 Main St', City: 'Springfield', CountrySubDivisionCode: 'IL', PostalCode: '62701' },
    Email: { Address: 'books@joes-coffee.example' },
    SupportedLanguages: 'en',
    MetaData: { CreateTime: '2021-03-01T09:00:00-08:00', LastUpdatedTime: '2025-11-02T10:12:44-08:00' },
    ...overrides,
  };
}

export type QuickBooksCompany = ReturnType<typeof quickbooksCompany>;

/** The currency settings of `GET /v3/company/{realmId}/preferences` (the only part the connector reads). */
export function quickbooksCurrency(homeCurrency = 'USD', multiCurrencyEnabled = false) {
  return { HomeCurrency: { value: homeCurrency }, MultiCurrencyEnabled: multiCurrencyEnabled };
}

export type QuickBooksCurrency = ReturnType<typeof quickbooksCurrency>;
