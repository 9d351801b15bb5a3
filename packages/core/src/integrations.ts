import type { LogListOptions, LogPage } from './activity.js';
import {
  type AuthorizationComplete,
  type AuthorizationStart,
  OAuthAuthorization,
} from './connections/authorization.js';
import { CredentialAccess, type CredentialParts, secretValues } from './connections/credentials.js';
import { ConnectionWrites, freshStatus } from './connections/writes.js';
import type { ApiKeyConnector, Connector, ConnectorContext, ConnectorCredentials } from './connectors.js';
import { IntegrationError, parseInput } from './errors.js';
import { changeWithEvents } from './events/bus.js';
import { integrationObject } from './events/objects.js';
import { writeStatus } from './events/status.js';
import type { OAuthStateService } from './oauth/state.js';
import { holdsProviderAccount } from './provider-accounts.js';
import type { ConnectionStatus, IntegrationStorage, JsonObject } from './storage/port.js';
import type { SyncStats } from './sync/flush.js';
import { assertTenant } from './tenant.js';
import type { SecretValues, StoredCredentials } from './vault.js';

export type { AuthorizationComplete, AuthorizationStart } from './connections/authorization.js';

/** The status object every provider's `status` route returns. */
export interface IntegrationStatusView {
  provider: string;
  connected: boolean;
  status: ConnectionStatus;
  last_tested_at: string | null;
  last_error: string | null;
  last_error_code: string | null;
  needs_reconnect: boolean;
  connected_at: string | null;
  [providerField: string]: unknown;
}

export interface ActionResult {
  success: boolean;
  message: string;
}

export interface ConnectResult extends ActionResult {
  status: IntegrationStatusView;
}

export interface TestOutcome extends ActionResult {
  error_code?: string;
  tested_at: string;
}

/** The sync target's part in connections: its summary adds the queue figures. */
export interface SyncTargetFigures {
  /** Whether `provider` is the connector that receives the sync outbox. */
  supports(provider: string): boolean;
  stats(tenantId: string): Promise<SyncStats>;
}

/** The accounting ledger's part in connections: its connector's summary adds the ledger figures. */
export interface SummaryFigures {
  supports(provider: string): boolean;
  stats(tenantId: string): Promise<object>;
}

interface ServiceParts extends CredentialParts {
  /** Runs inside the disconnect transaction, after the credentials are deleted. */
  onDisconnect?: (storage: IntegrationStorage, tenantId: string, provider: string) => Promise<void>;
  /** Runs after a connection is saved (API key or authorization); it must not throw. */
  onConnected?: (tenantId: string, provider: string) => Promise<void>;
  oauthStates: OAuthStateService;
  syncTarget?: SyncTargetFigures;
  accountingFigures?: SummaryFigures;
}

/**
 * Connect, status, summary, test, disconnect and logs for every configured connector
 * (`integrations.connections`). Every call takes the tenant id; every state change writes an
 * integration log row.
 */
export class IntegrationService {
  readonly #credentials: CredentialAccess;
  readonly #writes: ConnectionWrites;
  readonly #authorization: OAuthAuthorization;

  readonly #parts: ServiceParts;

  constructor(parts: ServiceParts) {
    this.#parts = parts;
    this.#credentials = new CredentialAccess(parts);
    this.#writes = new ConnectionWrites(parts);
    this.#authorization = new OAuthAuthorization({
      ...parts,
      credentials: this.#credentials,
      writes: this.#writes,
    });
  }

  async connect(tenantId: string, provider: string, input: unknown): Promise<ConnectResult> {
    assertTenant(tenantId);
    const connector = this.#parts.connectors.get(provider);
    if (connector.kind !== 'api_key') {
      throw new IntegrationError(
        'VALIDATION_FAILED',
        `${connector.displayName} connects through its own sign-in page: request an authorization URL instead.`,
      );
    }
    const fields = parseInput(connector.credentialsSchema, input, 'request body');
    const secrets = secretValues(
      fields as Record<string, unknown>,
      connector.credentialFields.filter((field) => field.secret).map((field) => field.name),
    );

    let credentials: ConnectorCredentials;
    try {
      credentials = await (connector as ApiKeyConnector).verify(fields, this.context(tenantId));
    } catch (error) {
      throw await this.#writes.connectFailed(
        tenantId,
        connector,
        this.#credentials.asProviderError(error, secrets),
        secrets,
      );
    }
    await this.#writes.save(tenantId, connector, credentials, null, secrets);
    const result = {
      success: true,
      message: `${connector.displayName} connected.`,
      status: await this.status(tenantId, provider),
    };
    await this.#parts.onConnected?.(tenantId, provider);
    return result;
  }

  async authorizationUrl(tenantId: string, provider: string): Promise<AuthorizationStart> {
    return this.#authorization.start(tenantId, provider);
  }

  /**
   * Handles the provider's redirect. The tenant comes from the stored state, never from the
   * request. The code is exchanged exactly once; any failure stores nothing.
   */
  async completeAuthorization(provider: string, query: Record<string, string>): Promise<AuthorizationComplete> {
    const result = await this.#authorization.complete(provider, query);
    await this.#parts.onConnected?.(result.tenantId, provider);
    return result;
  }

  async status(tenantId: string, provider: string): Promise<IntegrationStatusView> {
    assertTenant(tenantId);
    const connector = this.#parts.connectors.get(provider);
    const [record, credentials] = await Promise.all([
      this.#parts.storage.statuses.get(tenantId, provider),
      this.#parts.storage.credentials.get(tenantId, provider),
    ]);
    const connected = credentials !== undefined;
    const status: ConnectionStatus = connected ? (record?.status === 'error' ? 'error' : 'connected') : 'disconnected';
    return {
      provider,
      connected,
      status,
      last_tested_at: record?.lastTestedAt ?? null,
      last_error: record?.lastError ?? null,
      last_error_code: record?.lastErrorCode ?? null,
      needs_reconnect: record?.needsReconnect ?? false,
      connected_at: credentials?.createdAt ?? null,
      ...(credentials ? (connector.statusFields?.(credentials.publicData) ?? {}) : {}),
    };
  }

  /**
   * What the provider says about the connected account. A sync target's summary also says when
   * rows last reached it and how many wait, an accounting connector's how many receipts were
   * recorded, refused and wait, and either says whether the provider answered (`reachable`). While
   * the target is down or rate limiting, it still answers from the POS's own database: the stored
   * public fields and the queue figures, with `reachable: false`.
   */
  async summary(tenantId: string, provider: string): Promise<JsonObject> {
    const sources: SummaryFigures[] = [this.#parts.syncTarget, this.#parts.accountingFigures].filter(
      (source) => source?.supports(provider) === true,
    ) as SummaryFigures[];
    if (sources.length === 0) return this.#liveSummary(tenantId, provider);
    const figures = async () =>
      Object.assign({}, ...(await Promise.all(sources.map((source) => source.stats(tenantId)))));
    let live: JsonObject;
    try {
      live = await this.#liveSummary(tenantId, provider);
    } catch (error) {
      const passing =
        error instanceof IntegrationError && ['PROVIDER_UNAVAILABLE', 'RATE_LIMITED'].includes(error.code);
      const stored = passing ? await this.#parts.storage.credentials.get(tenantId, provider) : undefined;
      if (!stored) throw error;
      const connector = this.#parts.connectors.get(provider);
      return {
        ...(connector.statusFields?.(stored.publicData) ?? {}),
        reachable: false,
        error_code: (error as IntegrationError).code,
        ...(await figures()),
      };
    }
    return { ...live, reachable: true, ...(await figures()) };
  }

  async #liveSummary(tenantId: string, provider: string): Promise<JsonObject> {
    assertTenant(tenantId);
    const connector = this.#parts.connectors.get(provider);
    const stored = await this.requireCredentials(tenantId, connector);
    const secrets = secretValues(stored.secret);
    try {
      return await this.#credentials.using(tenantId, connector, stored, secrets, (credentials) =>
        connector.summary(credentials, this.context(tenantId)),
      );
    } catch (error) {
      const failure = this.#credentials.asProviderError(error, secrets);
      await this.#parts.activity.record({
        tenantId,
        provider,
        level: 'error',
        event: 'summary_failed',
        message: `Could not read the ${connector.displayName} summary: ${failure.message}`,
        details: { error_code: failure.code },
        secrets,
      });
      throw failure;
    }
  }

  /** Returns `success: true` only when the provider answered 2xx (property 5, docs/properties.md). */
  async test(tenantId: string, provider: string): Promise<TestOutcome> {
    assertTenant(tenantId);
    const connector = this.#parts.connectors.get(provider);
    const stored = await this.requireCredentials(tenantId, connector);
    const secrets = secretValues(stored.secret);
    const testedAt = this.#now();
    try {
      const result = await this.#credentials.using(tenantId, connector, stored, secrets, (credentials) =>
        connector.test(credentials, this.context(tenantId)),
      );
      await this.#parts.storage.statuses.put({
        ...freshStatus(tenantId, provider, 'connected', testedAt),
        lastTestedAt: testedAt,
      });
      await this.#parts.activity.record({
        tenantId,
        provider,
        level: 'info',
        event: 'tested',
        message: result.message,
        secrets,
      });
      return { success: true, message: result.message, tested_at: testedAt };
    } catch (error) {
      const failure = this.#credentials.asProviderError(error, secrets);
      const { events } = this.#parts;
      await changeWithEvents(events, this.#parts.storage, async (tx) => {
        const status = {
          tenantId,
          provider,
          status: 'error' as const,
          lastTestedAt: testedAt,
          lastError: failure.message,
          lastErrorCode: failure.code,
          needsReconnect: failure.needsReconnect,
          updatedAt: testedAt,
        };
        await writeStatus(tx, events, status);
        await this.#parts.activity.using(tx).record({
          tenantId,
          provider,
          level: 'error',
          event: 'test_failed',
          message: `Connection test failed: ${failure.message}`,
          details: { error_code: failure.code },
          secrets,
        });
        await events?.emit(tx, 'integration.test_failed', tenantId, integrationObject(provider, status));
      });
      return { success: false, message: failure.message, error_code: failure.code, tested_at: testedAt };
    }
  }

  /** Revokes at the provider where possible, then deletes the credentials (property 4, docs/properties.md). */
  async disconnect(tenantId: string, provider: string): Promise<ActionResult> {
    assertTenant(tenantId);
    const connector = this.#parts.connectors.get(provider);
    const stored = await this.#parts.storage.credentials.get(tenantId, provider);
    if (!stored) {
      return { success: true, message: `${connector.displayName} is not connected.` };
    }
    const secrets: string[] = [];
    // Revoking ends the platform's access to the account for everyone: only its holder may.
    const revoke = (await holdsProviderAccount(this.#parts.storage, connector, tenantId, stored.publicData))
      ? connector.revoke
      : undefined;
    if (revoke) {
      try {
        const credentials = await this.requireCredentials(tenantId, connector);
        secrets.push(...secretValues(credentials.secret));
        await this.#credentials.using(tenantId, connector, credentials, secrets, (fresh) =>
          revoke(fresh, this.context(tenantId)),
        );
      } catch (error) {
        const failure = this.#credentials.asProviderError(error, secrets);
        await this.#parts.activity.record({
          tenantId,
          provider,
          level: 'warning',
          event: 'revoke_failed',
          message: `${connector.displayName} did not confirm the revocation (${failure.message}); local credentials are deleted anyway.`,
          details: { error_code: failure.code },
          secrets,
        });
      }
    }
    await this.#parts.storage.transaction((tx) =>
      this.#writes.remove(tx, tenantId, connector, {
        level: 'info',
        message: `${connector.displayName} disconnected.`,
        secrets,
      }),
    );
    return { success: true, message: `${connector.displayName} disconnected.` };
  }

  /**
   * The provider says the merchant removed our access (Stripe's `account.application.deauthorized`):
   * deletes the connection within the caller's transaction, without calling the provider. A
   * connection made after `happenedAt` (the merchant connected again) is kept. Returns whether
   * anything was removed.
   */
  async disconnectedByProvider(
    storage: IntegrationStorage,
    tenantId: string,
    provider: string,
    notice: { happenedAt: string; message: string },
  ): Promise<boolean> {
    assertTenant(tenantId);
    const connector = this.#parts.connectors.get(provider);
    const stored = await storage.credentials.get(tenantId, provider);
    // Provider times have whole seconds: a connection made after the notice's second is newer.
    if (!stored || Date.parse(stored.createdAt) >= Date.parse(notice.happenedAt) + 1000) return false;
    await this.#writes.remove(storage, tenantId, connector, {
      level: 'warning',
      message: notice.message,
      secrets: [],
    });
    return true;
  }

  async logs(tenantId: string, provider: string, options: LogListOptions = {}): Promise<LogPage> {
    assertTenant(tenantId);
    this.#parts.connectors.get(provider);
    return this.#parts.activity.list(tenantId, provider, options);
  }

  /** Decrypted credentials, or the connector's not-connected error. */
  requireCredentials<S extends SecretValues = SecretValues, P extends JsonObject = JsonObject>(
    tenantId: string,
    connector: Connector,
  ): Promise<StoredCredentials<S, P>> {
    return this.#credentials.requireCredentials<S, P>(tenantId, connector);
  }

  /**
   * Runs `use` with the tenant's decrypted credentials. For OAuth connectors that refresh, the
   * token is renewed ahead of its expiry, and once more when the provider refuses it (an error
   * with `needsReconnect`), then `use` runs again. Failures come back as IntegrationErrors whose
   * text holds no secret.
   */
  withCredentials<T, S extends SecretValues = SecretValues, P extends JsonObject = JsonObject>(
    tenantId: string,
    provider: string,
    use: (credentials: StoredCredentials<S, P>) => Promise<T>,
  ): Promise<T> {
    return this.#credentials.withCredentials(tenantId, provider, use);
  }

  context(tenantId: string): ConnectorContext {
    return this.#credentials.context(tenantId);
  }

  #now(): string {
    return this.#parts.clock.now().toISOString();
  }
}
