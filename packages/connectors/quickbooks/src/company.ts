import { ofetch } from 'ofetch';
import { z } from 'zod';

/** Sent on every Accounting API call: older minor versions are served as 75 anyway (shared/providers.md §9). */
export const MINOR_VERSION = '75';

const companyPath = (realmId: string) => `/v3/company/${encodeURIComponent(realmId)}`;

const companyInfo = z.object({
  CompanyInfo: z.object({
    CompanyName: z.string().nullish(),
    LegalName: z.string().nullish(),
    Country: z.string().nullish(),
    FiscalYearStartMonth: z.string().nullish(),
  }),
});

const preferences = z.object({
  Preferences: z.object({
    CurrencyPrefs: z
      .object({
        HomeCurrency: z.object({ value: z.string() }).nullish(),
        MultiCurrencyEnabled: z.boolean().nullish(),
      })
      .nullish(),
  }),
});

export type CompanyInfo = z.infer<typeof companyInfo>['CompanyInfo'];
export type CurrencyPrefs = NonNullable<z.infer<typeof preferences>['Preferences']['CurrencyPrefs']>;

/** One company's Accounting API, read with one access token. */
export interface CompanyReader {
  companyInfo(): Promise<CompanyInfo>;
  currency(): Promise<CurrencyPrefs | null>;
}

/**
 * Reads from `{apiBase}/v3/company/{realmId}/…` with `Accept: application/json` and the minor
 * version. Throws what ofetch throws (the caller maps it) and `ZodError` for an unreadable answer.
 */
export function companyReader(apiBase: string, realmId: string, accessToken: string, timeout: number): CompanyReader {
  const get = (path: string) =>
    ofetch(`${apiBase}${companyPath(realmId)}${path}`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      query: { minorversion: MINOR_VERSION },
      timeout,
      retry: false,
    });
  return {
    async companyInfo() {
      return companyInfo.parse(await get(`/companyinfo/${encodeURIComponent(realmId)}`)).CompanyInfo;
    },
    async currency() {
      return preferences.parse(await get('/preferences')).Preferences.CurrencyPrefs ?? null;
    },
  };
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `FiscalYearStartMonth` as Intuit spells it (`January`, or `Jan`): the month's full name. */
export function fiscalYearStart(month: string | null | undefined): string | null {
  const value = month?.trim();
  if (!value) return null;
  const prefix = value.slice(0, 3).toLowerCase();
  return (prefix.length === 3 && MONTHS.find((name) => name.toLowerCase().startsWith(prefix))) || value;
}

/** What the company calls itself: its name, else its legal name. */
export const companyName = (info: CompanyInfo) => info.CompanyName?.trim() || info.LegalName?.trim() || null;
