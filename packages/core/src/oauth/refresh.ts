import { randomUUID } from 'node:crypto';
import type { ActivityLog } from '../activity.js';
import type { Clock } from '../clock.js';
import type { ConnectorContext, OAuthConnector } from '../connectors.js';
import { IntegrationError } from '../errors.js';
import { changeWithEvents, type HostEvents } from '../events/bus.js';
import { writeStatus } from '../events/status.js';
import type { IntegrationStorage, StatusRecord } from '../storage/port.js';
import type { CredentialVault, StoredCredentials } from '../vault.js';

export interface TokenRefreshOptions {
  /** Refresh this long before the access token expires (default 5 minutes). */
  marginMs?: number;
  /**
   * How long a server may take over one refresh before another server may try (default 30 s).
   * Keep it longer than the connector's timeout for the refresh call.
   */
  leaseMs?: number;
  /** How often a server waiting for another server's refresh looks at the row again (default 50 ms). */
  pollMs?: number;
}

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60 * 1000;
const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_POLL_MS = 50;

/** Why a refresh was asked for: the token is about to expire, or the provider just refused it. */
export type RefreshReason = 'expiring' | 'rejected';

interface RefresherParts {
  storage: IntegrationStorage;
  vault: CredentialVault;
  activity: ActivityLog;
  clock: Clock;
  events?: HostEvents | undefined;
  context(tenantId: string): ConnectorContext;
  /** Any thrown value as an IntegrationError whose text holds none of `secrets`. */
  describeFailure(error: unknown, secrets: string[]): IntegrationError;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function secretsOf(credentials: StoredCredentials): string[] {
  return Object.values(credentials.secret).filter((value) => typeof value === 'string' && value.length > 0);
}

/**
 * Refreshes expiring OAuth tokens once, however many callers and servers want them at the same
 * time. In one process, concurrent callers share one promise. Across processes, the credential
 * row carries a lease: an atomic UPDATE lets one server claim it at the version it read, that
 * server calls the provider and writes the new pair with a compare-and-swap on its lease before
 * anyone uses it, and the others poll the row until the version moves on. A refresh the
 * provider refuses marks the integration as needing a reconnect, and is not tried again.
 */
export class TokenRefresher {
  readonly marginMs: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #inFlight = new Map<string, Promise<StoredCredentials>>();

  readonly #parts: RefresherParts;

  constructor(parts: RefresherParts, options: TokenRefreshOptions = {}) {
    this.#parts = parts;
    this.marginMs = options.marginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  /** True when the access token expires within the margin. */
  isDue(credentials: StoredCredentials): boolean {
    return credentials.expiresAt !== null && Date.parse(credentials.expiresAt) - this.marginMs <= this.#nowMs();
  }

  /** True while the access token has not expired yet (it may be inside the margin). */
  isUsable(credentials: StoredCredentials): boolean {
    return credentials.expiresAt === null || Date.parse(credentials.expiresAt) > this.#nowMs();
  }

  /**
   * Fresh credentials for a tenant whose credentials at `staleVersion` are expiring or were
   * refused. Returns someone else's refresh when one already happened.
   */
  refresh(
    tenantId: string,
    connector: OAuthConnector,
    staleVersion: number,
    reason: RefreshReason,
  ): Promise<StoredCredentials> {
    const key = JSON.stringify([tenantId, connector.id]);
    const running = this.#inFlight.get(key);
    if (running) return running;
    const started = this.#coordinate(tenantId, connector, staleVersion, reason).finally(() => {
      this.#inFlight.delete(key);
    });
    this.#inFlight.set(key, started);
    return started;
  }

  async #coordinate(
    tenantId: string,
    connector: OAuthConnector,
    staleVersion: number,
    reason: RefreshReason,
  ): Promise<StoredCredentials> {
    const { storage, vault } = this.#parts;
    const giveUpAt = Date.now() + this.#leaseMs + 5_000;
    let version = staleVersion;
    let sawOtherServerRefreshing = false;
    for (;;) {
      const record = await storage.credentials.get(tenantId, connector.id);
      if (!record) throw notConnected(connector);
      if (record.version !== version) {
        // Someone refreshed (or the merchant reconnected) since the caller read the row: use
        // theirs while it works, even inside the margin (a provider may issue short tokens).
        const current = await vault.get(tenantId, connector.id);
        if (!current) throw notConnected(connector);
        if (reason === 'rejected' || this.isUsable(current)) return current;
        version = current.version;
        sawOtherServerRefreshing = false;
        continue;
      }
      const now = this.#parts.clock.now();
      const leaseHeld = record.refreshLeaseUntil !== null && Date.parse(record.refreshLeaseUntil) > now.getTime();
      if (leaseHeld) {
        sawOtherServerRefreshing = true;
      } else {
        // Released without a new version: the other server's refresh failed. Do not try again.
        if (sawOtherServerRefreshing && record.refreshLeaseUntil === null) {
          throw await this.#failureSeenElsewhere(tenantId, connector);
        }
        await this.#refuseIfAlreadyRefused(tenantId, connector);
        const leaseId = randomUUID();
        const claimed = await storage.credentials.claimRefreshLease({
          tenantId,
          provider: connector.id,
          expectedVersion: version,
          leaseId,
          now: now.toISOString(),
          until: new Date(now.getTime() + this.#leaseMs).toISOString(),
        });
        if (claimed) return this.#perform(tenantId, connector, leaseId, reason);
      }
      if (Date.now() > giveUpAt) {
        throw new IntegrationError(
          'PROVIDER_UNAVAILABLE',
          `Another server is still renewing the ${connector.displayName} access token. Try again shortly.`,
          { status: 503 },
        );
      }
      await sleep(this.#pollMs);
    }
  }

  async #perform(
    tenantId: string,
    connector: OAuthConnector,
    leaseId: string,
    reason: RefreshReason,
  ): Promise<StoredCredentials> {
    const { storage, vault, activity } = this.#parts;
    const refresh = connector.refresh;
    const credentials = await vault.get(tenantId, connector.id);
    if (!refresh || !credentials) {
      await storage.credentials.releaseRefreshLease(tenantId, connector.id, leaseId);
      throw notConnected(connector);
    }
    const secrets = secretsOf(credentials);
    let grant: Awaited<ReturnType<NonNullable<OAuthConnector['refresh']>>>;
    try {
      grant = await refresh(credentials, this.#parts.context(tenantId));
    } catch (error) {
      const failure = this.#parts.describeFailure(error, secrets);
      // Refused: the refresh token is dead and the merchant must connect again. Otherwise the
      // provider was unreachable, and a later call may try again.
      const refused = failure.needsReconnect;
      const reported = refused
        ? new IntegrationError(
            connector.tokenExpiredCode ?? failure.code,
            `${connector.displayName} refused to renew the access token (${failure.message}) Connect ${connector.displayName} again.`,
            { status: 409, needsReconnect: true, details: { provider_code: failure.code } },
          )
        : failure;
      try {
        // The status goes first: a server waiting on this lease reads it once the lease is released.
        if (refused) await this.#markNeedsReconnect(tenantId, connector.id, reported);
        await activity.record({
          tenantId,
          provider: connector.id,
          level: refused ? 'error' : 'warning',
          event: 'token_refresh_failed',
          message: refused
            ? reported.message
            : `Could not renew the ${connector.displayName} access token: ${failure.message}`,
          details: { error_code: reported.code, reason },
          secrets,
        });
      } finally {
        await storage.credentials.releaseRefreshLease(tenantId, connector.id, leaseId);
      }
      throw reported;
    }

    const renewed = await vault.completeRefresh(
      tenantId,
      connector.id,
      leaseId,
      grant.secret,
      grant.publicData,
      grant.expiresAt ?? null,
    );
    const allSecrets = [...secrets, ...Object.values(grant.secret)];
    if (!renewed) {
      // The merchant reconnected or disconnected while we refreshed: their choice wins.
      const current = await vault.get(tenantId, connector.id);
      if (!current) throw notConnected(connector);
      return current;
    }
    await activity.record({
      tenantId,
      provider: connector.id,
      level: 'info',
      event: 'token_refreshed',
      message: `${connector.displayName} access token renewed.`,
      details: { reason, expires_at: renewed.expiresAt },
      secrets: allSecrets,
    });
    return renewed;
  }

  /** A refresh the provider already refused is not sent again until the merchant reconnects. */
  async #refuseIfAlreadyRefused(tenantId: string, connector: OAuthConnector): Promise<void> {
    const status = await this.#parts.storage.statuses.get(tenantId, connector.id);
    if (status?.needsReconnect && status.lastErrorCode === connector.tokenExpiredCode) {
      throw fromStatus(status, connector);
    }
  }

  async #failureSeenElsewhere(tenantId: string, connector: OAuthConnector): Promise<IntegrationError> {
    const status = await this.#parts.storage.statuses.get(tenantId, connector.id);
    if (status?.needsReconnect) return fromStatus(status, connector);
    return new IntegrationError(
      'PROVIDER_UNAVAILABLE',
      `Renewing the ${connector.displayName} access token did not complete. Try again shortly.`,
      { status: 503 },
    );
  }

  async #markNeedsReconnect(tenantId: string, provider: string, error: IntegrationError): Promise<void> {
    await changeWithEvents(this.#parts.events, this.#parts.storage, async (tx) => {
      const previous = await tx.statuses.get(tenantId, provider);
      await writeStatus(tx, this.#parts.events, {
        tenantId,
        provider,
        status: 'error',
        lastTestedAt: previous?.lastTestedAt ?? null,
        lastError: error.message,
        lastErrorCode: error.code,
        needsReconnect: true,
        updatedAt: this.#parts.clock.now().toISOString(),
      });
    });
  }

  #nowMs(): number {
    return this.#parts.clock.now().getTime();
  }
}

function notConnected(connector: OAuthConnector): IntegrationError {
  return new IntegrationError(
    connector.notConnectedCode ?? 'NOT_CONNECTED',
    `${connector.displayName} is not connected for this account.`,
    { status: 409 },
  );
}

function fromStatus(status: StatusRecord, connector: OAuthConnector): IntegrationError {
  return new IntegrationError(
    status.lastErrorCode ?? connector.tokenExpiredCode ?? 'NOT_CONNECTED',
    status.lastError ?? `Connect ${connector.displayName} again.`,
    { status: 409, needsReconnect: true },
  );
}
