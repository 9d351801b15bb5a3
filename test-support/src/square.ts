import { HttpResponse, http } from 'msw';

export const SQUARE_PRODUCTION = 'https://connect.squareup.com';
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

export function squareErrorBody(category: string, code: string, detail = 'Simulated error.') {
  return { errors: [{ category, code, detail }] };
}

/** Square as it answers for a valid token and a known location, 401 and 404 otherwise. */
export function squareHandlers(base = SQUARE_PRODUCTION, location = squareLocation()) {
  return [
    http.get(`${base}/v2/locations/:locationId`, ({ request, params }) => {
      if (request.headers.get('authorization') !== `Bearer ${SQUARE_TOKEN}`) {
        return HttpResponse.json(squareErrorBody('AUTHENTICATION_ERROR', 'UNAUTHORIZED'), { status: 401 });
      }
      if (params.locationId !== location.id) {
        return HttpResponse.json(squareErrorBody('INVALID_REQUEST_ERROR', 'NOT_FOUND'), { status: 404 });
      }
      return HttpResponse.json({ location });
    }),
  ];
}
