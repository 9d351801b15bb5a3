import type { IsoTime, JsonObject } from './port.js';

/**
 * Which tenant a provider account (a connected account id, a merchant id) is linked to. One
 * account serves one tenant at a time, and a tenant links one account per provider.
 */
export interface ProviderAccountLink {
  provider: string;
  accountId: string;
  tenantId: string;
  /** When this claim happens; a tenant claiming its account again keeps the first time. */
  createdAt: IsoTime;
  /**
   * Public facts about the account the connector keeps with the link (its name, country, live
   * or test mode); never secrets. A tenant claiming its account again replaces them.
   */
  details?: JsonObject;
}

/** A linked account as stored: the link, its details and when they were last written. */
export interface ProviderAccountRecord {
  provider: string;
  accountId: string;
  tenantId: string;
  details: JsonObject;
  createdAt: IsoTime;
  updatedAt: IsoTime;
}

export interface ProviderAccountStore {
  /**
   * Links the account to the tenant unless another tenant holds it, and drops any other account
   * the tenant held for this provider; returns the tenant that holds the account afterwards.
   * A unique key on (provider, account) backs it: of tenants claiming one account at the same
   * moment, exactly one gets it. Undefined when a concurrent claim of the same tenant for
   * another account won (the caller gives up; nothing else is changed).
   */
  claim(link: ProviderAccountLink): Promise<string | undefined>;
  /** The tenant the account is linked to, if any. */
  owner(provider: string, accountId: string): Promise<string | undefined>;
  /** The account the tenant holds for this provider, with its details. */
  get(tenantId: string, provider: string): Promise<ProviderAccountRecord | undefined>;
  /** Unlinks whatever account the tenant held for this provider; true when there was one. */
  release(tenantId: string, provider: string): Promise<boolean>;
}
