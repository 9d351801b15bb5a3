import type { ActivityLog } from '../activity.js';
import { oauthRedirect } from '../connectors/kit/oauth.js';
import type { ConnectorRegistry, OAuthConnector } from '../connectors.js';
import { IntegrationError } from '../errors.js';
import type { OAuthStateService } from '../oauth/state.js';
import { assertTenant } from '../tenant.js';
import { type CredentialAccess, secretValues } from './credentials.js';
import type { ConnectionWrites } from './writes.js';

export interface AuthorizationStart {
  auth_url: string;
  state: string;
}

export interface AuthorizationComplete {
  tenantId: string;
  provider: string;
}

interface AuthorizationParts {
  connectors: ConnectorRegistry;
  oauthStates: OAuthStateService;
  activity: ActivityLog;
  credentials: CredentialAccess;
  writes: ConnectionWrites;
}

/** Connecting through a provider's sign-in page: the authorization URL with its state, then the redirect. */
export class OAuthAuthorization {
  readonly #parts: AuthorizationParts;

  constructor(parts: AuthorizationParts) {
    this.#parts = parts;
  }

  async start(tenantId: string, provider: string): Promise<AuthorizationStart> {
    assertTenant(tenantId);
    const connector = this.#oauthConnector(provider);
    const state = await this.#parts.oauthStates.issue(tenantId, provider);
    return { auth_url: connector.authorizationUrl(state, this.#parts.credentials.context(tenantId)), state };
  }

  /**
   * Handles the provider's redirect. The tenant comes from the stored state, never from the
   * request. The code is exchanged exactly once; any failure stores nothing.
   */
  async complete(provider: string, query: Record<string, string>): Promise<AuthorizationComplete> {
    const connector = this.#oauthConnector(provider);
    const consumed = await this.#parts.oauthStates.consume(provider, query.state);
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
      await this.#parts.activity.record({
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
      grant = await connector.exchange(oauthRedirect(query), this.#parts.credentials.context(tenantId));
    } catch (error) {
      const secrets = [query.code];
      throw await this.#parts.writes.connectFailed(
        tenantId,
        connector,
        this.#parts.credentials.asProviderError(error, secrets, connector.oauthFailedCode),
        secrets,
      );
    }
    await this.#parts.writes.save(tenantId, connector, grant, grant.expiresAt ?? null, secretValues(grant.secret));
    return { tenantId, provider };
  }

  #oauthConnector(provider: string): OAuthConnector {
    const connector = this.#parts.connectors.get(provider);
    if (connector.kind !== 'oauth') {
      throw new IntegrationError('NOT_FOUND', `${connector.displayName} does not use an authorization page.`);
    }
    return connector;
  }
}
