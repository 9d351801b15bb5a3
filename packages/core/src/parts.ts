import type { ActivityLog } from './activity.js';
import type { Clock } from './clock.js';
import type { ConnectorRegistry } from './connectors.js';
import type { HostEvents } from './events/bus.js';
import type { OutboundHttp } from './http/outbound.js';
import type { Logger } from './logger.js';
import type { IntegrationStorage } from './storage/port.js';
import type { CredentialVault } from './vault.js';

/** What the services that call providers are built from; the facade makes one of each. */
export interface ServiceBase {
  storage: IntegrationStorage;
  vault: CredentialVault;
  activity: ActivityLog;
  connectors: ConnectorRegistry;
  clock: Clock;
  logger: Logger;
  outbound: OutboundHttp;
  /** Where the services emit host events; none in tests that build a service alone. */
  events?: HostEvents;
}
