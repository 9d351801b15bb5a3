import { randomUUID } from 'node:crypto';
import type { StripeAccountRecord, StripeAccountStore } from '@pos/integrations-core';
import type { Kysely, Selectable } from 'kysely';
import type { IntegrationsDatabase, StripeConnectedAccountsTable } from '../schema.js';

function toRecord(row: Selectable<StripeConnectedAccountsTable>): StripeAccountRecord {
  return {
    tenantId: row.tenant_id,
    stripeUserId: row.stripe_user_id,
    scope: row.scope,
    livemode: Boolean(row.livemode),
    businessName: row.business_name,
    country: row.country,
    defaultCurrency: row.default_currency,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class KyselyStripeAccountStore implements StripeAccountStore {
  constructor(private readonly db: Kysely<IntegrationsDatabase>) {}

  async put(record: StripeAccountRecord): Promise<void> {
    const values = {
      stripe_user_id: record.stripeUserId,
      scope: record.scope,
      livemode: record.livemode ? 1 : 0,
      business_name: record.businessName,
      country: record.country,
      default_currency: record.defaultCurrency,
      is_active: 1,
      updated_at: record.updatedAt,
    };
    await this.db
      .insertInto('stripe_connected_accounts')
      .values({ id: randomUUID(), tenant_id: record.tenantId, created_at: record.createdAt, ...values })
      .onConflict((conflict) => conflict.column('tenant_id').doUpdateSet(values))
      .execute();
  }

  async get(tenantId: string): Promise<StripeAccountRecord | undefined> {
    const row = await this.db
      .selectFrom('stripe_connected_accounts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('is_active', '=', 1)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async findByStripeUserId(stripeUserId: string): Promise<StripeAccountRecord[]> {
    const rows = await this.db
      .selectFrom('stripe_connected_accounts')
      .selectAll()
      .where('stripe_user_id', '=', stripeUserId)
      .where('is_active', '=', 1)
      .orderBy('tenant_id')
      .execute();
    return rows.map(toRecord);
  }

  async delete(tenantId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('stripe_connected_accounts')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
