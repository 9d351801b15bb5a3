import type {
  JsonObject,
  ProviderAccountLink,
  ProviderAccountRecord,
  ProviderAccountStore,
} from '@pos/integrations-core/storage';
import type { Kysely } from 'kysely';
import { runCompiled } from '../compiled.js';
import type { IntegrationsDatabase } from '../schema.js';

/**
 * `provider_accounts`: its primary key (provider, account_id) is what makes "one account, one
 * tenant" hold under concurrency; a unique (tenant_id, provider) keeps one account per tenant.
 * `details` is the account's public facts as JSON text.
 */
export class KyselyProviderAccountStore implements ProviderAccountStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  async claim(link: ProviderAccountLink): Promise<string | undefined> {
    const current = await this.owner(link.provider, link.accountId);
    if (current !== undefined && current !== link.tenantId) return current;
    await this.#db
      .deleteFrom('provider_accounts')
      .where('tenant_id', '=', link.tenantId)
      .where('provider', '=', link.provider)
      .where('account_id', '<>', link.accountId)
      .execute();
    const details = JSON.stringify(link.details ?? {});
    // A concurrent claim may have committed since the read: the key decides, the loser inserts nothing.
    await this.#db
      .insertInto('provider_accounts')
      .values({
        provider: link.provider,
        account_id: link.accountId,
        tenant_id: link.tenantId,
        created_at: link.createdAt,
        updated_at: link.createdAt,
        details,
      })
      .onConflict((conflict) => conflict.doNothing())
      .execute();
    // The tenant's own link, new or not, takes the claim's details.
    await this.#db
      .updateTable('provider_accounts')
      .set({ details, updated_at: link.createdAt })
      .where('provider', '=', link.provider)
      .where('account_id', '=', link.accountId)
      .where('tenant_id', '=', link.tenantId)
      .execute();
    return this.owner(link.provider, link.accountId);
  }

  // Every refund and dispute event asks who owns its account: compiled once.
  async owner(provider: string, accountId: string): Promise<string | undefined> {
    const { rows } = await runCompiled(this.#db, 'provider_accounts.owner', [provider, accountId], () =>
      this.#db
        .selectFrom('provider_accounts')
        .select('tenant_id')
        .where('provider', '=', provider)
        .where('account_id', '=', accountId),
    );
    return rows[0]?.tenant_id;
  }

  async get(tenantId: string, provider: string): Promise<ProviderAccountRecord | undefined> {
    const row = await this.#db
      .selectFrom('provider_accounts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      provider: row.provider,
      accountId: row.account_id,
      tenantId: row.tenant_id,
      details: JSON.parse(row.details) as JsonObject,
      createdAt: row.created_at,
      updatedAt: row.updated_at ?? row.created_at,
    };
  }

  async release(tenantId: string, provider: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('provider_accounts')
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
