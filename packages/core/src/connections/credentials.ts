import type { Connector, ConnectorContext } from '../connectors.js';
import { redact } from '../crypto/mask.js';
import { IntegrationError } from '../errors.js';
import { TokenRefresher, type TokenRefreshOptions } from '../oauth/refresh.js';
import type { ServiceBase } from '../parts.js';
import type { JsonObject } from '../storage/port.js';
import { assertTenant } from '../tenant.js';
import type { SecretValues, StoredCredentials } from '../vault.js';

export interface CredentialParts extends ServiceBase {
  tokenRefresh?: TokenRefreshOptions;
}

/** The string values among `values` (those named by `names`, else all): the secrets to mask. */
export function secretValues(values: Record<string, unknown>, names?: Iterable<string>): string[] {
  const keys = names ? [...names] : Object.keys(values);
  return keys
    .map((key) => values[key])
    .filter((value): value is string => typeof value === 'string' && value.length > 0);
}

/**
 * A tenant's decrypted credentials for provider calls: renewed when an OAuth token is due or
 * refused, and every failure turned into an IntegrationError whose text holds no secret.
 */
export class CredentialAccess {
  readonly #parts: CredentialParts;
  readonly #refresher: TokenRefresher;

  constructor(parts: CredentialParts) {
    this.#parts = parts;
    this.#refresher = new TokenRefresher(
      {
        storage: parts.storage,
        vault: parts.vault,
        activity: parts.activity,
        clock: parts.clock,
        events: parts.events,
        context: (tenantId) => this.context(tenantId),
        describeFailure: (error, secrets) => this.asProviderError(error, secrets),
      },
      parts.tokenRefresh,
    );
  }

  /** Decrypted credentials, or the connector's not-connected error. */
  async requireCredentials<S extends SecretValues = SecretValues, P extends JsonObject = JsonObject>(
    tenantId: string,
    connector: Connector,
  ): Promise<StoredCredentials<S, P>> {
    const credentials = await this.#parts.vault.get<S, P>(tenantId, connector.id);
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
    const connector = this.#parts.connectors.get(provider);
    const stored = await this.requireCredentials<S, P>(tenantId, connector);
    const secrets = secretValues(stored.secret);
    try {
      return await this.using(tenantId, connector, stored, secrets, use);
    } catch (error) {
      throw this.asProviderError(error, secrets);
    }
  }

  /** `secrets` collects every secret handed to `use`, refreshed ones included, for masking. */
  async using<T, S extends SecretValues, P extends JsonObject>(
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

  context(tenantId: string): ConnectorContext {
    return { tenantId, clock: this.#parts.clock, logger: this.#parts.logger, outbound: this.#parts.outbound };
  }

  /** Any failure from a connector as an IntegrationError whose text holds no secret. */
  asProviderError(error: unknown, secrets: string[], fallbackCode = 'PROVIDER_UNAVAILABLE'): IntegrationError {
    if (error instanceof IntegrationError) return error.withMessage(redact(error.message, secrets));
    this.#parts.logger.error(
      {
        error: redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error), secrets),
      },
      'Unexpected connector failure',
    );
    return new IntegrationError(fallbackCode, 'The provider call failed unexpectedly.', {
      status: fallbackCode === 'PROVIDER_UNAVAILABLE' ? 502 : undefined,
    });
  }
}
