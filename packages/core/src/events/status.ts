import type { IntegrationStorage, StatusRecord } from '../storage/port.js';
import type { HostEvents } from './bus.js';
import { integrationObject } from './objects.js';

/**
 * Writes a connection's status row through `tx` and, when it newly needs reconnecting, emits
 * `integration.needs_reconnect` in the same transaction.
 */
export async function writeStatus(
  tx: IntegrationStorage,
  events: HostEvents | undefined,
  record: StatusRecord,
): Promise<void> {
  const previous =
    events && record.needsReconnect ? await tx.statuses.get(record.tenantId, record.provider) : undefined;
  await tx.statuses.put(record);
  if (events && record.needsReconnect && !previous?.needsReconnect) {
    await events.emit(tx, 'integration.needs_reconnect', record.tenantId, integrationObject(record.provider, record));
  }
}
