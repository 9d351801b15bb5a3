/** The values demo mode prints and documents; never accepted by a server in real mode. */
export const DEMO_TENANT = 'demo';
export const DEMO_API_KEY = 'pos_demo_key_not_for_production';

/** A token and location the simulated Square API accepts. */
export const DEMO_SQUARE_TOKEN = 'sq0atp-demo-square-access-token';
export const DEMO_SQUARE_LOCATION = 'L-DEMO-MAIN';

export const SIMULATOR_PREFIX = '/demo';
