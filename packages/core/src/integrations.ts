import type { ActivityLog, LogListOptions, LogPage } from './activity.js';
import type { Clock } from './clock.js';
import type {
  ApiKeyConnector,
  Connector,
  ConnectorContext,
  ConnectorCredentials,
  ConnectorRegistry,
  OAuthConnector,
} from './connectors.js';
import { redact } from './crypto/mask.js';
import { IntegrationError, parseInput } from './errors.js';
import type { OutboundHttp } from './http/outbound.js';
import type { Logger } from './logger.js';
import { TokenRefresher, type TokenRefreshOptions } from './oauth/refresh.js';
import type { OAuthStateService } from './oauth/state.js';
import { holdsProviderAccount, linkProviderAccount } from './provider-accounts.js';
import type { ConnectionStatus, IntegrationStorage, JsonObject, StatusRecord } from './storage/port.js';
import { assertTenant } from './tenant.js';
import type { CredentialVault, SecretValues, StoredCredentials } from './vault.js';

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

export interface AuthorizationStart {
  auth_url: string;
  state: string;
}

export interface AuthorizationComplete {
  tenantId: string;
  provider: string;
}

interface ServiceParts {
  storage: IntegrationStorage;
  /** Runs inside the disconnect transaction, after the credentials are deleted. */
  onDisconnect?: (storage: IntegrationStorage, tenantId: string, provider: string) => Promise<void>;
  vault: CredentialVault;
  activity: ActivityLog;
  oauthStates: OAuthStateService;
  connectors: ConnectorRegistry;
  clock: Clock;
  logger: Logger;
  outbound: OutboundHttp;
  tokenRefresh?: TokenRefreshOptions;
}

function secretValues(values: Record<string, unknown>, names?: Iterable<string>): string[] {
  const keys = names ? [...names] : Object.keys(values);
  return keys
    .map((key) => values[key])
    .filter((value): value is string => typeof value === 'string' && value.length > 0);
}

/**
 * Connect, status, summary, test, disconnect and logs for every configured connector. Every
 * call takes the tenant id; every state change writes an integration log row.
 */
export class IntegrationService {
  readonly #refresher: TokenRefresher;

  constructor(private readonly parts: ServiceParts) {
    this.#refresher = new TokenRefresher(
      {
        storage: parts.storage,
        vault: parts.vault,
        activity: parts.activity,
        clock: parts.clock,
        context: (tenantId) => this.context(tenantId),
        describeFailure: (error, secrets) => this.asProviderError(error, secrets),
      },
      parts.tokenRefresh,
    );
  }

  async connect(tenantId: string, provider: string, input: unknown): Promise<ConnectResult> {
    assertTenant(tenantId);
    const connector = this.parts.connectors.get(provider);
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
      throw await this.connectFailed(tenantId, connector, this.asProviderError(error, secrets), secrets);
    }
    await this.saveConnection(tenantId, connector, credentials, null, secrets);
    return {
      success: true,
      message: `${connector.displayName} connected.`,
      status: await this.status(tenantId, provider),
    };
  }

  async authorizationUrl(tenantId: string, provider: string): Promise<AuthorizationStart> {
    assertTenant(tenantId);
    const connector = this.oauthConnector(provider);
    const state = await this.parts.oauthStates.issue(tenantId, provider);
    return { auth_url: connector.authorizationUrl(state, this.context(tenantId)), state };
  }

  /**
   * Handles the provider's redirect. The tenant comes from the stored state, never from the
   * request. The code is exchanged exactly once; any failure stores nothing.
   */
  async completeAuthorization(provider: string, query: Record<string, string>): Promise<AuthorizationComplete> {
    const connector = this.oauthConnector(provider);
    const consumed = await this.parts.oauthStates.consume(provider, query.state);
    if (!consumed) {
      throw new IntegrationError(
        connector.stateInvalidCode,
        `The ${connector.displayName} authorization could not be verified: the link is unknown, expired or already used. Start again.`,
      );
    }
    const { tenantId } = consumed;
    if (query.error !== undefined || !query.code) {
      const reason = query.error === 'access_denied' ? 'was declined' : 'did not complete';
      const failure = new IntegrationError(
        connector.oauthFailedCode,
        `The ${connector.displayName} authorization ${reason}.`,
        {
          details: query.error ? { provider_error: query.error } : undefined,
        },
      );
      await this.parts.activity.record({
        tenantId,
        provider,
        level: 'warning',
        event: 'connect_failed',
        message: failure.message,
        details: { error_code: failure.code, ...(query.error ? { provider_error: query.error } : {}) },
      });
      throw failure;
    }

    let grant: Awaited<ReturnType<OAuthConnector['exchange']>>;
    try {
      grant = await connector.exchange(query, this.context(tenantId));
    } catch (error) {
      const secrets = [query.code];
      throw await this.connectFailed(
        tenantId,
        connector,
        this.asProviderError(error, secrets, connector.oauthFailedCode),
        secrets,
      );
    }
    await this.saveConnection(tenantId, connector, grant, grant.expiresAt ?? null, secretValues(grant.secret));
    return { tenantId, provider };
  }

  async status(tenantId: string, provider: string): Promise<IntegrationStatusView> {
    assertTenant(tenantId);
    const connector = this.parts.connectors.get(provider);
    const [record, credentials] = await Promise.all([
      this.parts.storage.statuses.get(tenantId, provider),
      this.parts.storage.credentials.get(tenantId, provider),
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

  async summary(tenantId: string, provider: string): Promise<JsonObject> {
    assertTenant(tenantId);
    const connector = this.parts.connectors.get(provider);
    const stored = await this.requireCredentials(tenantId, connector);
    const secrets = secretValues(stored.secret);
    try {
      return await this.#using(tenantId, connector, stored, secrets, (credentials) =>
        connector.summary(credentials, this.context(tenantId)),
      );
    } catch (error) {
      const failure = this.asProviderError(error, secrets);
      await this.parts.activity.record({
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

  /** Returns `success: true` only when the provider answered 2xx (seed Property 5). */
  async test(tenantId: string, provider: string): Promise<TestOutcome> {
    assertTenant(tenantId);
    const connector = this.parts.connectors.get(provider);
    const stored = await this.requireCredentials(tenantId, connector);
    const secrets = secretValues(stored.secret);
    const testedAt = this.now();
    try {
      const result = await this.#using(tenantId, connector, stored, secrets, (credentials) =>
        connector.test(credentials, this.context(tenantId)),
      );
      await this.parts.storage.statuses.put({
        ...this.freshStatus(tenantId, provider, 'connected', testedAt),
        lastTestedAt: testedAt,
      });
      await this.parts.activity.record({
        tenantId,
        provider,
        level: 'info',
        event: 'tested',
        message: result.message,
        secrets,
      });
      return { success: true, message: result.message, tested_at: testedAt };
    } catch (error) {
      const failure = this.asProviderError(error, secrets);
      await this.parts.storage.statuses.put({
        tenantId,
        provider,
        status: 'error',
        lastTestedAt: testedAt,
        lastError: failure.message,
        lastErrorCode: failure.code,
        needsReconnect: failure.needsReconnect,
        updatedAt: testedAt,
      });
      await this.parts.activity.record({
        tenantId,
        provider,
        level: 'error',
        event: 'test_failed',
        message: `Connection test failed: ${failure.message}`,
        details: { error_code: failure.code },
        secrets,
      });
      return { success: false, message: failure.message, error_code: failure.code, tested_at: testedAt };
    }
  }

  /** Revokes at the provider where possible, then deletes the credentials (seed Property 4). */
  async disconnect(tenantId: string, provider: string): Promise<ActionResult> {
    assertTenant(tenantId);
    const connector = this.parts.connectors.get(provider);
    const stored = await this.parts.storage.credentials.get(tenantId, provider);
    if (!stored) {
      return { success: true, message: `${connector.displayName} is not connected.` };
    }
    const secrets: string[] = [];
    // Revoking ends the platform's access to the account for everyone: only its holder may.
    const revoke = (await holdsProviderAccount(this.parts.storage, connector, tenantId, stored.publicData))
      ? connector.revoke
      : undefined;
    if (revoke) {
      try {
        const credentials = await this.requireCredentials(tenantId, connector);
        secrets.push(...secretValues(credentials.secret));
        await this.#using(tenantId, connector, credentials, secrets, (fresh) => revoke(fresh, this.context(tenantId)));
      } catch (error) {
        const failure = this.asProviderError(error, secrets);
        await this.parts.activity.record({
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
    await this.parts.storage.transaction((tx) =>
      this.#removeConnection(tx, tenantId, connector, {
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
    const connector = this.parts.connectors.get(provider);
    const stored = await storage.credentials.get(tenantId, provider);
    // Provider times have whole seconds: a connection made after the notice's second is newer.
    if (!stored || Date.parse(stored.createdAt) >= Date.parse(notice.happenedAt) + 1000) return false;
    await this.#removeConnection(storage, tenantId, connector, {
      level: 'warning',
      message: notice.message,
      secrets: [],
    });
    return true;
  }

  async #removeConnection(
    tx: IntegrationStorage,
    tenantId: string,
    connector: Connector,
    entry: { level: 'info' | 'warning'; message: string; secrets: string[] },
  ): Promise<void> {
    const provider = connector.id;
    await tx.credentials.delete(tenantId, provider);
    await tx.providerAccounts.release(tenantId, provider);
    await connector.records?.removed(tx, tenantId);
    await this.parts.onDisconnect?.(tx, tenantId, provider);
    await tx.statuses.put(this.freshStatus(tenantId, provider, 'disconnected', this.now()));
    await this.parts.activity.using(tx).record({
      tenantId,
      provider,
      level: entry.level,
      event: 'disconnected',
      message: entry.message,
      secrets: entry.secrets,
    });
  }

  async logs(tenantId: string, provider: string, options: LogListOptions = {}): Promise<LogPage> {
    assertTenant(tenantId);
    this.parts.connectors.get(provider);
    return this.parts.activity.list(tenantId, provider, options);
  }

  /** Decrypted credentials, or the connector's not-connected error. */
  async requireCredentials<S extends SecretValues = SecretValues, P extends JsonObject = JsonObject>(
    tenantId: string,
    connector: Connector,
  ): Promise<StoredCredentials<S, P>> {
    const credentials = await this.parts.vault.get<S, P>(tenantId, connector.id);
    if (!credentials) {
      throw new IntegrationError(
        connector.notConnectedCode ?? 'NOT_CONNECTED',
        `${connector.displayName} is not connected for this account.`,
        { status: 409 },
      );
    }
    return credentials;
  }

  /**
   * Runs `use` with the tenant's decrypted credentials. For OAuth connectors that refresh, the
   * token is renewed ahead of its expiry, and once more when the provider refuses it (an error
   * with `needsReconnect`), then `use` runs again. Failures come back as IntegrationErrors whose
   * text holds no secret.
   */
  async withCredentials<T, S extends SecretValues = SecretValues, P extends JsonObject = JsonObject>(
    tenantId: string,
    provider: string,
    use: (credentials: StoredCredentials<S, P>) => Promise<T>,
  ): Promise<T> {
    assertTenant(tenantId);
    const connector = this.parts.connectors.get(provider);
    const stored = await this.requireCredentials<S, P>(tenantId, connector);
    const secrets = secretValues(stored.secret);
    try {
      return await this.#using(tenantId, connector, stored, secrets, use);
    } catch (error) {
      throw this.asProviderError(error, secrets);
    }
  }

  /** `secrets` collects every secret handed to `use`, refreshed ones included, for masking. */
  async #using<T, S extends SecretValues, P extends JsonObject>(
    tenantId: string,
    connector: Connector,
    stored: StoredCredentials<S, P>,
    secrets: string[],
    use: (credentials: StoredCredentials<S, P>) => Promise<T>,
  ): Promise<T> {
    if (connector.kind !== 'oauth' || !connector.refresh) return use(stored);
    const refresher = this.#refresher;
    const renewed = (credentials: StoredCredentials) => {
      secrets.push(...secretValues(credentials.secret));
      return credentials as StoredCredentials<S, P>;
    };
    let credentials = stored;
    if (refresher.isDue(stored)) {
      try {
        credentials = renewed(await refresher.refresh(tenantId, connector, stored.version, 'expiring'));
      } catch (error) {
        // Renewing early is a courtesy: a token that still works is used until it expires.
        if (!refresher.isUsable(stored)) throw error;
      }
    }
    try {
      return await use(credentials);
    } catch (error) {
      if (!(error instanceof IntegrationError) || !error.needsReconnect) throw error;
      credentials = renewed(await refresher.refresh(tenantId, connector, credentials.version, 'rejected'));
      return use(credentials);
    }
  }

  /** Logs a failed connection attempt (nothing was stored) and hands the error back to throw. */
  private async connectFailed(
    tenantId: string,
    connector: Connector,
    failure: IntegrationError,
    secrets: string[],
  ): Promise<IntegrationError> {
    await this.parts.activity.record({
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
  private async saveConnection(
    tenantId: string,
    connector: Connector,
    credentials: ConnectorCredentials,
    expiresAt: string | null,
    secrets: string[],
  ): Promise<void> {
    const now = this.now();
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
    await this.parts.storage.transaction(async (tx) => {
      await linkProviderAccount(tx, connector, tenantId, credentials.publicData, now);
      await this.parts.vault
        .using(tx)
        .put(tenantId, connector.id, credentials.secret, credentials.publicData, expiresAt);
      await connector.records?.saved(tx, tenantId, credentials.publicData, now);
      await tx.statuses.put(this.freshStatus(tenantId, connector.id, 'connected', now));
      await this.parts.activity.using(tx).record({
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

  context(tenantId: string): ConnectorContext {
    return { tenantId, clock: this.parts.clock, logger: this.parts.logger, outbound: this.parts.outbound };
  }

  private oauthConnector(provider: string): OAuthConnector {
    const connector = this.parts.connectors.get(provider);
    if (connector.kind !== 'oauth') {
      throw new IntegrationError('NOT_FOUND', `${connector.displayName} does not use an authorization page.`);
    }
    return connector;
  }

  /** Any failure from a connector as an IntegrationError whose text holds no secret. */
  private asProviderError(error: unknown, secrets: string[], fallbackCode = 'PROVIDER_UNAVAILABLE'): IntegrationError {
    if (error instanceof IntegrationError) return error.withMessage(redact(error.message, secrets));
    this.parts.logger.error('Unexpected connector failure', {
      error: redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error), secrets),
    });
    return new IntegrationError(fallbackCode, 'The provider call failed unexpectedly.', {
      status: fallbackCode === 'PROVIDER_UNAVAILABLE' ? 502 : undefined,
    });
  }

  private freshStatus(tenantId: string, provider: string, status: ConnectionStatus, now: string): StatusRecord {
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

  private now(): string {
    return this.parts.clock.now().toISOString();
  }
}
