import type { IsoTime } from './port.js';

/**
 * Which tenant a provider account (a Stripe `acct_…`, a Clover merchant) is linked to. One
 * account serves one tenant at a time, and a tenant links one account per provider.
 */
export interface ProviderAccountLink {
  provider: string;
  accountId: string;
  tenantId: string;
  createdAt: IsoTime;
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
  /** Unlinks whatever account the tenant held for this provider; true when there was one. */
  release(tenantId: string, provider: string): Promise<boolean>;
}
