import { json, type SimulatedRequest, type Simulator, simulator } from '../exchange.js';
import { SquareCatalogue } from './catalogue.js';
import { squareCafeCatalogue } from './catalogue-data.js';
import type { SquareCatalogueContent } from './catalogue-objects.js';
import { catalogueRoutes } from './catalogue-routes.js';
import { SQUARE_TOKEN, squareErrorBody, squareLocation } from './fixtures.js';

export interface SquareSimulatorOptions {
  /** The access token it accepts (`SQUARE_TOKEN` by default). */
  token?: string;
  /** The seller's locations, the main one first (`squareLocation()` by default). */
  locations?: Array<{ id: unknown }>;
  /** The seller's catalogue, inventory and customers (a small café's, counted at the main location, by default). */
  catalogue?: SquareCatalogueContent;
  /**
   * The most objects a SearchCatalogObjects page holds (1000, Square's maximum, by default). Square
   * calls `limit` advisory: a smaller figure makes a small catalogue span several pages.
   */
  searchPageSize?: number;
}

/** A simulated Square seller: its API, and its catalogue for tests to change. */
export interface SquareSimulator extends Simulator {
  readonly catalogue: SquareCatalogue;
}

/**
 * A simulated Square seller: the Locations API (`GET /v2/locations`, `GET /v2/locations/{id}`,
 * the id `main` being the main location) and the read side of the Catalog, Inventory and
 * Customers APIs (see `catalogue-routes.ts`) for the accepted token, Square's 401 and 404
 * otherwise. Every answer carries `X-Simulated: square`.
 */
export function createSquareSimulator(options: SquareSimulatorOptions = {}): SquareSimulator {
  const token = options.token ?? SQUARE_TOKEN;
  const locations = options.locations ?? [squareLocation()];
  const catalogue = new SquareCatalogue(options.catalogue ?? squareCafeCatalogue(String(locations[0]?.id)));
  const unauthorized = () =>
    json(401, squareErrorBody('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.'));
  const refused = ({ headers }: SimulatedRequest) =>
    headers.get('authorization') === `Bearer ${token}` ? undefined : unauthorized();
  const routes = simulator('square', [
    ['GET', '/v2/locations', (request) => refused(request) ?? json(200, { locations })],
    [
      'GET',
      '/v2/locations/:locationId',
      (request, { locationId }) => {
        const refusal = refused(request);
        if (refusal) return refusal;
        const location =
          locationId === 'main' ? locations[0] : locations.find((candidate) => candidate.id === locationId);
        if (location) return json(200, { location });
        return json(404, squareErrorBody('INVALID_REQUEST_ERROR', 'NOT_FOUND', `Location ${locationId} not found.`));
      },
    ],
    ...catalogueRoutes(catalogue, refused, options.searchPageSize),
  ]);
  return Object.assign(routes, { catalogue });
}
