import type { Route } from '../exchange.js';
import { answer, authenticationFault, fault, type QuickBooksState } from './state.js';

/**
 * The company endpoints of the Accounting API under `/v3/company/{realmId}`: `companyinfo/{id}`
 * and `preferences`, for a live access token of that company only (401 fault `3200` otherwise).
 */
export function quickbooksCompanyApi(state: QuickBooksState): Route[] {
  return [
    [
      'GET',
      '/v3/company/:realmId/companyinfo/:id',
      (request, { realmId, id }) => {
        state.calls.companyinfo += 1;
        if (!state.authorized(request, realmId as string)) return authenticationFault();
        // Intuit answers the company's own record whichever id is asked for: the realm id, or its `Id`.
        if (id !== realmId && id !== state.company.Id) {
          return fault(400, 'ValidationFault', '610', 'Object Not Found', `CompanyInfo ${id} was not found.`);
        }
        return answer({ CompanyInfo: state.company });
      },
    ],
    [
      'GET',
      '/v3/company/:realmId/preferences',
      (request, { realmId }) => {
        state.calls.preferences += 1;
        if (!state.authorized(request, realmId as string)) return authenticationFault();
        return answer({ Preferences: { CurrencyPrefs: state.currency } });
      },
    ],
  ];
}
