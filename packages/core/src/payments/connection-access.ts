import type { Connector, ConnectorContext } from '../connectors.js';
import type { IntegrationStorage, IsoTime } from '../storage/port.js';
import type { StoredCredentials } from '../vault.js';

/** The parts of the connection service payments use. */
export interface ConnectionAccess {
  requireCredentials(tenantId: string, connector: Connector): Promise<StoredCredentials>;
  withCredentials<T>(
    tenantId: string,
    provider: string,
    use: (credentials: StoredCredentials) => Promise<T>,
  ): Promise<T>;
  context(tenantId: string): ConnectorContext;
  disconnectedByProvider(
    storage: IntegrationStorage,
    tenantId: string,
    provider: string,
    notice: { happenedAt: IsoTime; message: string },
  ): Promise<boolean>;
}
