import type { CredentialRecord, CredentialStore, CredentialWrite } from '@pos/integrations-core';
import { type Kysely, type Selectable, sql } from 'kysely';
import { readInteger } from '../numbers.js';
import type { IntegrationCredentialsTable, IntegrationsDatabase } from '../schema.js';

function toRecord(row: Selectable<IntegrationCredentialsTable>): CredentialRecord {
  return {
    tenantId: row.tenant_id,
    provider: row.provider,
    ciphertext: row.ciphertext,
    publicData: JSON.parse(row.public_data),
    version: readInteger(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class KyselyCredentialStore implements CredentialStore {
  constructor(private readonly db: Kysely<IntegrationsDatabase>) {}

  async get(tenantId: string, provider: string) {
    const row = await this.db
      .selectFrom('integration_credentials')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async put(write: CredentialWrite, now: string) {
    const row = await this.db
      .insertInto('integration_credentials')
      .values({
        tenant_id: write.tenantId,
        provider: write.provider,
        ciphertext: write.ciphertext,
        public_data: JSON.stringify(write.publicData),
        version: 1,
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'provider']).doUpdateSet({
          ciphertext: write.ciphertext,
          public_data: JSON.stringify(write.publicData),
          version: sql<number>`integration_credentials.version + 1`,
          created_at: now,
          updated_at: now,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(row);
  }

  async replace(write: CredentialWrite, expectedVersion: number, now: string) {
    const row = await this.db
      .updateTable('integration_credentials')
      .set({
        ciphertext: write.ciphertext,
        public_data: JSON.stringify(write.publicData),
        version: expectedVersion + 1,
        updated_at: now,
      })
      .where('tenant_id', '=', write.tenantId)
      .where('provider', '=', write.provider)
      .where('version', '=', expectedVersion)
      .returningAll()
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async delete(tenantId: string, provider: string) {
    const result = await this.db
      .deleteFrom('integration_credentials')
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return readInteger(result.numDeletedRows) > 0;
  }

  async listPage(after: { tenantId: string; provider: string } | undefined, limit: number) {
    let query = this.db.selectFrom('integration_credentials').selectAll();
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('tenant_id', '>', after.tenantId),
          eb.and([eb('tenant_id', '=', after.tenantId), eb('provider', '>', after.provider)]),
        ]),
      );
    }
    const rows = await query.orderBy('tenant_id').orderBy('provider').limit(limit).execute();
    return rows.map(toRecord);
  }
}
