import type { Kysely, Migration } from 'kysely';

/**
 * The connectors that declared a provider account when this table arrived, and the public-data
 * field that names it: existing connections are linked from it.
 */
const ACCOUNT_FIELDS: Record<string, string> = { stripe: 'stripe_user_id', clover: 'merchant_id' };

/**
 * `provider_accounts`: which tenant each provider account (Stripe `acct_…`, Clover merchant) is
 * linked to. The primary key (provider, account_id) lets one tenant hold an account; the unique
 * (tenant_id, provider) one account per tenant and provider. Existing connections are linked
 * oldest first: where several tenants had connected the same account, the earliest keeps it.
 */
export function providerAccountsSchema(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('provider_accounts')
        .ifNotExists()
        .addColumn('provider', 'text', (col) => col.notNull())
        .addColumn('account_id', 'text', (col) => col.notNull())
        .addColumn('tenant_id', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('provider_accounts_pk', ['provider', 'account_id'])
        .addUniqueConstraint('provider_accounts_tenant_provider', ['tenant_id', 'provider'])
        .execute();

      const rows: Array<{ tenant_id: string; provider: string; public_data: string; created_at: string }> = await db
        .selectFrom('integration_credentials')
        .select(['tenant_id', 'provider', 'public_data', 'created_at'])
        .where('provider', 'in', Object.keys(ACCOUNT_FIELDS))
        .orderBy('created_at')
        .orderBy('tenant_id')
        .execute();
      for (const row of rows) {
        const field = ACCOUNT_FIELDS[row.provider] as string;
        const accountId = (JSON.parse(row.public_data) as Record<string, unknown>)[field];
        if (typeof accountId !== 'string' || accountId === '') continue;
        await db
          .insertInto('provider_accounts')
          .values({
            provider: row.provider,
            account_id: accountId,
            tenant_id: row.tenant_id,
            created_at: row.created_at,
          })
          .onConflict((conflict) => conflict.doNothing())
          .execute();
      }
    },
  };
}
