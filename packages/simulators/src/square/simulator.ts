import { json, simulator } from './exchange.js';

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

export interface SquareSimulatorOptions {
  /** The access token it accepts (`SQUARE_TOKEN` by default). */
  token?: string;
  /** The seller's locations, the main one first (`squareLocation()` by default). */
  locations?: Array<{ id: unknown }>;
}

/**
 * A simulated Square Locations API: `GET /v2/locations` and `GET /v2/locations/{id}` (the id
 * `main` is the main location) for the accepted token, Square's 401 and 404 otherwise. Every
 * answer carries `X-Simulated: square`.
 */
export function createSquareSimulator(options: SquareSimulatorOptions = {}) {
  const token = options.token ?? SQUARE_TOKEN;
  const locations = options.locations ?? [squareLocation()];
  const unauthorized = () =>
    json(401, squareErrorBody('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.'));
  return simulator('square', [
    [
      'GET',
      '/v2/locations',
      ({ headers }) => (headers.get('authorization') === `Bearer ${token}` ? json(200, { locations }) : unauthorized()),
    ],
    [
      'GET',
      '/v2/locations/:locationId',
      ({ headers }, { locationId }) => {
        if (headers.get('authorization') !== `Bearer ${token}`) return unauthorized();
        const location =
          locationId === 'main' ? locations[0] : locations.find((candidate) => candidate.id === locationId);
        if (location) return json(200, { location });
        return json(404, squareErrorBody('INVALID_REQUEST_ERROR', 'NOT_FOUND', `Location ${locationId} not found.`));
      },
    ],
  ]);
}
