/** Clover's production hosts, which the msw simulation answers for by default. */
export const CLOVER_API = 'https://api.clover.com';
export const CLOVER_OAUTH = 'https://www.clover.com';
/** The app the simulator knows by default, and the merchant its consent step connects. */
export const CLOVER_APP_ID = 'TESTAPP0CLOVER';
export const CLOVER_APP_SECRET = 'clover-app-secret-0123456789abcdef';
export const CLOVER_MERCHANT_ID = 'TC4DGCJW1K4EW';
/** Where the consent step sends the merchant back when the authorize URL names no `redirect_uri`. */
export const CLOVER_REDIRECT_URI = 'https://pos.example.com/api/integrations/clover/callback';

/** A merchant in the shape of `GET /v3/merchants/{mId}`; the simulator sends the address only when expanded. */
export function cloverMerchant(overrides: Record<string, unknown> = {}) {
  return {
    id: CLOVER_MERCHANT_ID,
    name: "Joe's Coffee",
    /** ISO 4217: item prices are minor units of it. */
    defaultCurrency: 'USD',
    address: {
      address1: '1 Main St',
      address2: null as string | null,
      address3: null as string | null,
      city: 'Springfield',
      state: 'IL',
      zip: '62701',
      country: 'US',
    },
    owner: { href: `${CLOVER_API}/v3/merchants/${CLOVER_MERCHANT_ID}/employees/OWNER1` } as
      | { href: string }
      | undefined,
    ...overrides,
  };
}

export type CloverMerchant = ReturnType<typeof cloverMerchant>;
