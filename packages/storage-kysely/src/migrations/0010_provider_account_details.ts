import type { Kysely, Migration } from 'kysely';

interface LegacyStripeAccount {
  tenant_id: string;
  stripe_user_id: string;
  scope: string;
  livemode: number | boolean;
  business_name: string | null;
  country: string | null;
  default_currency: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * `provider_accounts` becomes the record of linked provider accounts any connector can keep:
 * `details` (JSON text, the public facts the connector keeps about the account, `{}` by default)
 * and `updated_at`. The facts the seed's Stripe-only `stripe_connected_accounts` held move here:
 * each active row's scope, live mode, business name, country and currency become the details of
 * its tenant's link, which is made when the account and the tenant have none yet. The old table
 * stays as it was (migrations only add), and is no longer written.
 */
export function providerAccountDetailsSchema(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
    async up(db: Kysely<any>) {
      const tables = await db.introspection.getTables();
      const columns = new Set(
        tables.find((table) => table.name === 'provider_accounts')?.columns.map((column) => column.name) ?? [],
      );
      if (!columns.has('details')) {
        await db.schema
          .alterTable('provider_accounts')
          .addColumn('details', 'text', (col) => col.notNull().defaultTo('{}'))
          .execute();
      }
      if (!columns.has('updated_at')) {
        await db.schema.alterTable('provider_accounts').addColumn('updated_at', 'text').execute();
      }
      await db
        .updateTable('provider_accounts')
        .set((eb) => ({ updated_at: eb.ref('created_at') }))
        .where('updated_at', 'is', null)
        .execute();

      if (!tables.some((table) => table.name === 'stripe_connected_accounts')) return;
      const legacy: LegacyStripeAccount[] = await db
        .selectFrom('stripe_connected_accounts')
        .select([
          'tenant_id',
          'stripe_user_id',
          'scope',
          'livemode',
          'business_name',
          'country',
          'default_currency',
          'created_at',
          'updated_at',
        ])
        .where('is_active', '=', 1)
        .orderBy('created_at')
        .orderBy('tenant_id')
        .execute();
      for (const row of legacy) {
        const details = JSON.stringify({
          scope: row.scope,
          livemode: Boolean(row.livemode),
          business_name: row.business_name,
          country: row.country,
          default_currency: row.default_currency,
        });
        const linked = await db
          .updateTable('provider_accounts')
          .set({ details, updated_at: row.updated_at })
          .where('provider', '=', 'stripe')
          .where('account_id', '=', row.stripe_user_id)
          .where('tenant_id', '=', row.tenant_id)
          .executeTakeFirst();
        if (Number(linked.numUpdatedRows) > 0) continue;
        const taken = await db
          .selectFrom('provider_accounts')
          .select('tenant_id')
          .where('provider', '=', 'stripe')
          .where((eb) => eb.or([eb('account_id', '=', row.stripe_user_id), eb('tenant_id', '=', row.tenant_id)]))
          .executeTakeFirst();
        if (taken) continue;
        await db
          .insertInto('provider_accounts')
          .values({
            provider: 'stripe',
            account_id: row.stripe_user_id,
            tenant_id: row.tenant_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
            details,
          })
          .execute();
      }
    },
  };
}
