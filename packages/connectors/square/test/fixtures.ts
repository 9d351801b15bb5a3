import { createOutboundGuard, silentLogger, systemClock } from '@pos/integrations-core/connector';
import { SQUARE_LOCATION_ID, SQUARE_TOKEN } from '@pos/test-support';

/** What core hands the connector, and stored credentials for the simulator's token and location. */
export const context = {
  tenantId: 'tenant-a',
  clock: systemClock,
  logger: silentLogger,
  outbound: createOutboundGuard(),
};
export const credentials = {
  secret: { access_token: SQUARE_TOKEN },
  publicData: {
    location_id: SQUARE_LOCATION_ID,
    location_name: 'Main St',
    merchant_id: 'MLXYZ123',
    environment: 'production' as const,
    access_token_masked: 'EAAAl7QmTestAcc...9f2c',
  },
};
