/** Square's production host, where the msw simulation answers by default. */
export const SQUARE_PRODUCTION = 'https://connect.squareup.com';
/** The access token and location the simulator accepts by default. */
export const SQUARE_TOKEN = 'EAAAl7QmTestAccessTokenForSquareSandbox9f2c';
export const SQUARE_LOCATION_ID = 'L1ABCDEF2345';

/** A location in the shape of Square's `GET /v2/locations/{id}`. */
export function squareLocation(overrides: Record<string, unknown> = {}) {
  return {
    id: SQUARE_LOCATION_ID,
    name: 'Main St',
    business_name: "Joe's Coffee",
    address: {
      address_line_1: '1 Main St',
      locality: 'Springfield',
      administrative_district_level_1: 'IL',
      postal_code: '62701',
      country: 'US',
    },
    capabilities: ['CREDIT_CARD_PROCESSING', 'AUTOMATIC_TRANSFERS'],
    status: 'ACTIVE',
    merchant_id: 'MLXYZ123',
    currency: 'USD',
    timezone: 'America/Chicago',
    ...overrides,
  };
}

/** Square's error envelope. */
export function squareErrorBody(category: string, code: string, detail = 'Simulated error.') {
  return { errors: [{ category, code, detail }] };
}
