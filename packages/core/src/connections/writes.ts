import type { ActivityLog } from '../activity.js';
import type { Clock } from '../clock.js';
import type { Connector, ConnectorCredentials } from '../connectors.js';
import { IntegrationError } from '../errors.js';
import type { HostEvents } from '../events/bus.js';
import { integrationObject } from '../events/objects.js';
import { linkProviderAccount } from '../provider-accounts.js';
import type { ConnectionStatus, IntegrationStorage, StatusRecord } from '../storage/port.js';
import type { CredentialVault } from '../vault.js';

export interface WriteParts {
  storage: IntegrationStorage;
  vault: CredentialVault;
  activity: ActivityLog;
  clock: Clock;
  events?: HostEvents;
  /** Runs inside the disconnect transaction, after the credentials are deleted. */
  onDisconnect?: (storage: IntegrationStorage, tenantId: string, provider: string) => Promise<void>;
}

/** A connection's status row with no test result and no error. */
export function freshStatus(tenantId: string, provider: string, status: ConnectionStatus, now: string): StatusRecord {
  return {
    tenantId,
    provider,
    status,
    lastTestedAt: null,
    lastError: null,
    lastErrorCode: null,
    needsReconnect: false,
    updatedAt: now,
  };
}

/**
 * Writes a connection and takes it away, each in one transaction with its status and log row:
 * the sealed credentials, the provider account link and the connector's own records.
 */
export class ConnectionWrites {
  readonly #parts: WriteParts;

  constructor(parts: WriteParts) {
    this.#parts = parts;
  }

  /** Logs a failed connection attempt (nothing was stored) and hands the error back to throw. */
  async connectFailed(
    tenantId: string,
    connector: Connector,
    failure: IntegrationError,
    secrets: string[],
  ): Promise<IntegrationError> {
    await this.#parts.activity.record({
      tenantId,
      provider: connector.id,
      level: 'error',
      event: 'connect_failed',
      message: `Could not connect ${connector.displayName}: ${failure.message}`,
      details: { error_code: failure.code },
      secrets,
    });
    return failure;
  }

  /** Seals new credentials and marks the connection, in one transaction with its log row. */
  async save(
    tenantId: string,
    connector: Connector,
    credentials: ConnectorCredentials,
    expiresAt: string | null,
    secrets: string[],
  ): Promise<void> {
    const now = this.#parts.clock.now().toISOString();
    try {
      await this.#writeConnection(tenantId, connector, credentials, expiresAt, secrets, now);
    } catch (error) {
      // Another tenant holds the provider account: nothing was stored; the attempt is logged.
      if (error instanceof IntegrationError && error.code === connector.account?.inUseCode) {
        throw await this.connectFailed(tenantId, connector, error, secrets);
      }
      throw error;
    }
  }

  async #writeConnection(
    tenantId: string,
    connector: Connector,
    credentials: ConnectorCredentials,
    expiresAt: string | null,
    secrets: string[],
    now: string,
  ): Promise<void> {
    await this.#parts.storage.transaction(async (tx) => {
      await linkProviderAccount(tx, connector, tenantId, credentials.publicData, now);
      await this.#parts.vault
        .using(tx)
        .put(tenantId, connector.id, credentials.secret, credentials.publicData, expiresAt);
      await connector.records?.saved(tx, tenantId, credentials.publicData, now);
      const status = freshStatus(tenantId, connector.id, 'connected', now);
      await tx.statuses.put(status);
      await this.#parts.events?.emit(tx, 'integration.connected', tenantId, integrationObject(connector.id, status));
      await this.#parts.activity.using(tx).record({
        tenantId,
        provider: connector.id,
        level: 'info',
        event: 'connected',
        message: `${connector.displayName} connected.`,
        details: connector.statusFields?.(credentials.publicData) ?? {},
        secrets,
      });
    });
  }

  async remove(
    tx: IntegrationStorage,
    tenantId: string,
    connector: Connector,
    entry: { level: 'info' | 'warning'; message: string; secrets: string[] },
  ): Promise<void> {
    const provider = connector.id;
    await tx.credentials.delete(tenantId, provider);
    await tx.providerAccounts.release(tenantId, provider);
    await connector.records?.removed(tx, tenantId);
    await this.#parts.onDisconnect?.(tx, tenantId, provider);
    const status = freshStatus(tenantId, provider, 'disconnected', this.#parts.clock.now().toISOString());
    await tx.statuses.put(status);
    await this.#parts.events?.emit(tx, 'integration.disconnected', tenantId, integrationObject(provider, status));
    await this.#parts.activity.using(tx).record({
      tenantId,
      provider,
      level: entry.level,
      event: 'disconnected',
      message: entry.message,
      secrets: entry.secrets,
    });
  }
}
