import type { ZodType } from 'zod';
import type { AccountingCapability } from './accounting/target.js';
import type { CatalogueCapability } from './catalogue/capability.js';
import type { Clock } from './clock.js';
import type { OAuthRedirect } from './connectors/kit/oauth.js';
import type { ErrorCodeTable } from './error-codes.js';
import { IntegrationError } from './errors.js';
import type { OutboundHttp } from './http/outbound.js';
import type { Logger } from './logger.js';
import type { CheckoutCapability } from './payments/provider.js';
import type { IntegrationStorage, IsoTime, JsonObject } from './storage/port.js';
import type { SyncCapability } from './sync/target.js';
import type { SecretValues } from './vault.js';

/** What a connector call knows about its surroundings. */
export interface ConnectorContext {
  tenantId: string;
  clock: Clock;
  logger: Logger;
  /**
   * The only client for URLs a merchant supplied (a project or store URL): public https
   * addresses only, no redirects, except the host's allowed private hosts.
   */
  outbound: OutboundHttp;
}

/** A connector's credentials split in two: `secret` is sealed at rest, `publicData` may be shown. */
export interface ConnectorCredentials<S extends SecretValues = SecretValues, P extends JsonObject = JsonObject> {
  secret: S;
  publicData: P;
}

/** Describes one credentials form field, for UIs (the web components render forms from it). */
export interface CredentialField {
  name: string;
  label: string;
  /** Secret fields are sealed, masked in every output, and never echoed back to a browser. */
  secret: boolean;
  required: boolean;
  /** A fixed set of choices, e.g. `sandbox` / `production`. */
  options?: string[];
  /** What a field left out means (`production`): a form shows it chosen instead of an empty choice. */
  default?: string;
  placeholder?: string;
}

export interface TestResult {
  /** What to tell the user on success, e.g. "Connected to location Main St". */
  message: string;
}

/**
 * Rows a connector keeps beside the vault, written by core in the same transaction as the
 * credentials so the two never disagree. Never holds secrets. (An account's public facts need
 * none: {@link ProviderAccountRule.details} keeps them with the account's link.)
 */
export interface ConnectionRecords<P extends JsonObject = JsonObject> {
  saved(storage: IntegrationStorage, tenantId: string, publicData: P, now: IsoTime): Promise<void>;
  removed(storage: IntegrationStorage, tenantId: string): Promise<void>;
}

/**
 * Declares that the credentials open one provider account (Stripe's `acct_…`, a Clover merchant)
 * which may be linked to one tenant at a time. Core then refuses to link it to a second tenant,
 * and revokes at the provider only on behalf of the tenant that holds it.
 */
export interface ProviderAccountRule<P extends JsonObject = JsonObject> {
  /** Reads the account id from the connection's public data. */
  accountId(publicData: P): string;
  /** Code (HTTP 409) when another tenant holds the account, e.g. `STRIPE_ACCOUNT_IN_USE`. */
  inUseCode: string;
  /** What the merchant calls it, for messages: `Stripe account`, `Clover merchant`. */
  label: string;
  /**
   * Public facts about the account to keep with its link (`storage.providerAccounts.get`): a
   * name, a country, live or test mode. Never secrets. Written with the credentials, replaced
   * on every connect, removed on disconnect.
   */
  details?(publicData: P): JsonObject;
}

interface ConnectorBase<S extends SecretValues, P extends JsonObject> {
  /** Route segment and storage key: `square`, `stripe`, … */
  readonly id: string;
  readonly displayName: string;
  /**
   * Capability flags this connector turns on in the full variant (defaults to its id), each a
   * lower-case name such as `square` or `sync`. Any configured connector also turns on
   * `integrations`.
   */
  readonly features?: readonly string[];
  /** Error code when a tenant has no credentials (defaults to `NOT_CONNECTED`). */
  readonly notConnectedCode?: string;
  /**
   * The codes this connector answers with besides core's generic ones, each with its status and
   * meaning (`declareErrorCodes(...).table`); core registers them when the connector is
   * configured. A connector that declares codes declares the ones it names below too.
   */
  readonly errorCodes?: ErrorCodeTable;
  /**
   * What people call the fields of this connector's summary (`charges_enabled: 'Card payments'`),
   * sent to UIs with the connector's description. A field without a label is shown by its name
   * in words (`location_name` → "Location name").
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * What disconnecting does not do, for the person about to do it (sent to UIs with the
   * connector's description): where access is revoked when the provider offers no revocation
   * call, e.g. "The key stays valid until you revoke it in …".
   */
  readonly disconnectNote?: string;
  /** Provider summary built from a live provider response (property 6, docs/properties.md). */
  summary(credentials: ConnectorCredentials<S, P>, context: ConnectorContext): Promise<JsonObject>;
  /** Resolves only when the provider answered 2xx; throws an {@link IntegrationError} otherwise. */
  test(credentials: ConnectorCredentials<S, P>, context: ConnectorContext): Promise<TestResult>;
  /** Revokes access at the provider, where it supports that. Failure does not block a local disconnect. */
  revoke?(credentials: ConnectorCredentials<S, P>, context: ConnectorContext): Promise<void>;
  /** Provider ids to show in the status object, e.g. `{ location_id }`. */
  statusFields?(publicData: P): JsonObject;
  readonly records?: ConnectionRecords<P>;
  /** Present when one provider account may serve one tenant only. */
  readonly account?: ProviderAccountRule<P>;
  /** Present when the connector receives the sync outbox; it then also gets a `sync` route. */
  readonly sync?: SyncCapability<S, P>;
  /** Present when the connector hosts checkout pages for POS orders (payments); at most one may. */
  readonly checkout?: CheckoutCapability<S, P>;
  /** Present when the connector records paid sales and refunds in the merchant's books; at most one may. */
  readonly accounting?: AccountingCapability<S, P>;
  /** Present when the merchant's catalogue (products, customers) can be imported from the provider. */
  readonly catalogue?: CatalogueCapability<S, P>;
}

/** A provider the merchant connects by pasting credentials (Square, Supabase). */
export interface ApiKeyConnector<
  Input = unknown,
  S extends SecretValues = SecretValues,
  P extends JsonObject = JsonObject,
> extends ConnectorBase<S, P> {
  readonly kind: 'api_key';
  readonly credentialsSchema: ZodType<Input>;
  readonly credentialFields: readonly CredentialField[];
  /** Checks the credentials with a live provider call and splits them; nothing is stored if it throws. */
  verify(input: Input, context: ConnectorContext): Promise<ConnectorCredentials<S, P>>;
}

/** Credentials obtained from an OAuth redirect or a refresh, with the access token's expiry when it has one. */
export interface OAuthGrant<S extends SecretValues = SecretValues, P extends JsonObject = JsonObject>
  extends ConnectorCredentials<S, P> {
  /** ISO-8601; core refreshes ahead of it. Absent for tokens that do not expire. */
  expiresAt?: string;
}

/** A provider the merchant connects through an OAuth consent page (Stripe Connect, Clover). */
export interface OAuthConnector<S extends SecretValues = SecretValues, P extends JsonObject = JsonObject>
  extends ConnectorBase<S, P> {
  readonly kind: 'oauth';
  /** Code for an unknown, reused, expired or foreign state, e.g. `STRIPE_STATE_INVALID`. */
  readonly stateInvalidCode: string;
  /** Code for a failed or denied authorization, e.g. `STRIPE_OAUTH_FAILED`. */
  readonly oauthFailedCode: string;
  authorizationUrl(state: string, context: ConnectorContext): string;
  /**
   * Exchanges the redirect's code. Called at most once per code (codes are single use), after
   * core consumed the state and checked that a code came.
   */
  exchange(redirect: OAuthRedirect, context: ConnectorContext): Promise<OAuthGrant<S, P>>;
  /**
   * Trades the refresh token for a new grant; absent for tokens that do not expire. Core calls it
   * at most once at a time per tenant across every server sharing the storage, ahead of expiry
   * and once after the provider rejected the access token (an error with `needsReconnect`).
   * It must not retry on its own: refresh tokens may be single use.
   */
  refresh?(credentials: ConnectorCredentials<S, P>, context: ConnectorContext): Promise<OAuthGrant<S, P>>;
  /** Code for a refresh the provider refused, after which the merchant must connect again (`CLOVER_TOKEN_EXPIRED`). */
  readonly tokenExpiredCode?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds connectors of every credential shape.
export type Connector = ApiKeyConnector<any, any, any> | OAuthConnector<any, any>;

/** A capability flag: `square`, `sync`, `my_pos`. */
const FEATURE_NAME = /^[a-z][a-z0-9_]*$/;

/** The configured connectors, by id. */
export class ConnectorRegistry {
  readonly #byId = new Map<string, Connector>();

  constructor(connectors: readonly Connector[]) {
    for (const connector of connectors) {
      if (this.#byId.has(connector.id)) {
        throw new IntegrationError('VALIDATION_FAILED', `Two connectors share the id "${connector.id}".`);
      }
      for (const feature of connector.features ?? [connector.id]) {
        if (!FEATURE_NAME.test(feature)) {
          throw new IntegrationError(
            'VALIDATION_FAILED',
            `The connector "${connector.id}" declares the feature "${feature}": use lower-case letters, digits and underscores.`,
          );
        }
      }
      this.#byId.set(connector.id, connector);
    }
  }

  list(): Connector[] {
    return [...this.#byId.values()];
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** Throws `NOT_FOUND` for a provider that is not configured. */
  get(id: string): Connector {
    const connector = this.#byId.get(id);
    if (!connector) throw new IntegrationError('NOT_FOUND', `No integration named "${id}" is available.`);
    return connector;
  }
}
