import { type Request, type Response, Router } from 'express';
import { DEMO_SQUARE_LOCATION, DEMO_SQUARE_TOKEN } from './constants.js';

/** Shapes follow Square's Locations API. */
const LOCATIONS = [
  {
    id: DEMO_SQUARE_LOCATION,
    name: 'Demo Coffee — Main St',
    business_name: 'Demo Coffee',
    address: {
      address_line_1: '1 Main St',
      locality: 'Springfield',
      administrative_district_level_1: 'IL',
      postal_code: '62701',
      country: 'US',
    },
    capabilities: ['CREDIT_CARD_PROCESSING', 'AUTOMATIC_TRANSFERS'],
    status: 'ACTIVE',
    merchant_id: 'ML-DEMO-MERCHANT',
    country: 'US',
    currency: 'USD',
    timezone: 'America/Chicago',
    created_at: '2024-01-15T10:00:00Z',
  },
];

function squareError(res: Response, status: number, category: string, code: string, detail: string) {
  res.status(status).json({ errors: [{ category, code, detail }] });
}

function authorized(req: Request, res: Response): boolean {
  if (req.get('authorization') === `Bearer ${DEMO_SQUARE_TOKEN}`) return true;
  squareError(res, 401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.');
  return false;
}

/**
 * A simulated Square API for demo mode only: it accepts the documented demo token and knows one
 * location. Every response carries `X-Simulated: square` so nobody mistakes it for Square.
 */
export function squareSimulator(): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.setHeader('X-Simulated', 'square');
    next();
  });
  router.get('/v2/locations', (req, res) => {
    if (authorized(req, res)) res.json({ locations: LOCATIONS });
  });
  router.get('/v2/locations/:locationId', (req, res) => {
    if (!authorized(req, res)) return;
    const wanted = req.params.locationId === 'main' ? DEMO_SQUARE_LOCATION : req.params.locationId;
    const location = LOCATIONS.find((candidate) => candidate.id === wanted);
    if (location) res.json({ location });
    else squareError(res, 404, 'INVALID_REQUEST_ERROR', 'NOT_FOUND', `Location ${req.params.locationId} not found.`);
  });
  return router;
}
