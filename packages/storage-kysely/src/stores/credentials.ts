import type {
  CredentialRecord,
  CredentialStore,
  CredentialWrite,
  RefreshLeaseClaim,
} from '@pos/integrations-core/storage';
import { type Kysely, type Selectable, sql } from 'kysely';
import { runCompiled } from '../compiled.js';
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
    expiresAt: row.expires_at,
    refreshLeaseUntil: row.refresh_lease_until,
  };
}

/** The columns every write sets; a write always ends any refresh lease. */
function written(write: CredentialWrite, now: string) {
  return {
    ciphertext: write.ciphertext,
    public_data: JSON.stringify(write.publicData),
    expires_at: write.expiresAt ?? null,
    refresh_lease_id: null,
    refresh_lease_until: null,
    updated_at: now,
  };
}

export class KyselyCredentialStore implements CredentialStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  async get(tenantId: string, provider: string) {
    const { rows } = await runCompiled(this.#db, 'integration_credentials.get', [tenantId, provider], () =>
      this.#db
        .selectFrom('integration_credentials')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('provider', '=', provider),
    );
    const [row] = rows;
    return row && toRecord(row);
  }

  async put(write: CredentialWrite, now: string) {
    const row = await this.#db
      .insertInto('integration_credentials')
      .values({
        tenant_id: write.tenantId,
        provider: write.provider,
        version: 1,
        created_at: now,
        ...written(write, now),
      })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'provider']).doUpdateSet({
          ...written(write, now),
          version: sql<number>`integration_credentials.version + 1`,
          created_at: now,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(row);
  }

  async replace(write: CredentialWrite, expectedVersion: number, now: string) {
    // Key rotation re-seals the same secret: a refresh lease in progress stays with its holder.
    const row = await this.#db
      .updateTable('integration_credentials')
      .set({
        ciphertext: write.ciphertext,
        public_data: JSON.stringify(write.publicData),
        expires_at: write.expiresAt ?? null,
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

  async claimRefreshLease(claim: RefreshLeaseClaim) {
    // One conditional UPDATE: the database serialises concurrent claims, so one succeeds.
    const result = await this.#db
      .updateTable('integration_credentials')
      .set({ refresh_lease_id: claim.leaseId, refresh_lease_until: claim.until })
      .where('tenant_id', '=', claim.tenantId)
      .where('provider', '=', claim.provider)
      .where('version', '=', claim.expectedVersion)
      .where((eb) => eb.or([eb('refresh_lease_until', 'is', null), eb('refresh_lease_until', '<=', claim.now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async completeRefresh(write: CredentialWrite, leaseId: string, now: string) {
    const row = await this.#db
      .updateTable('integration_credentials')
      .set({ ...written(write, now), version: sql<number>`integration_credentials.version + 1` })
      .where('tenant_id', '=', write.tenantId)
      .where('provider', '=', write.provider)
      .where('refresh_lease_id', '=', leaseId)
      .returningAll()
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async releaseRefreshLease(tenantId: string, provider: string, leaseId: string) {
    await this.#db
      .updateTable('integration_credentials')
      .set({ refresh_lease_id: null, refresh_lease_until: null })
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .where('refresh_lease_id', '=', leaseId)
      .execute();
  }

  async delete(tenantId: string, provider: string) {
    const result = await this.#db
      .deleteFrom('integration_credentials')
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return readInteger(result.numDeletedRows) > 0;
  }

  async listPage(after: { tenantId: string; provider: string } | undefined, limit: number) {
    let query = this.#db.selectFrom('integration_credentials').selectAll();
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
