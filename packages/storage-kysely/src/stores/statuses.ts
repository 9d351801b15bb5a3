import type { ConnectionStatus, StatusRecord, StatusStore } from '@pos/integrations-core/storage';
import type { Kysely } from 'kysely';
import type { IntegrationsDatabase } from '../schema.js';

export class KyselyStatusStore implements StatusStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  async get(tenantId: string, provider: string): Promise<StatusRecord | undefined> {
    const row = await this.#db
      .selectFrom('integration_status')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      tenantId: row.tenant_id,
      provider: row.provider,
      status: row.status as ConnectionStatus,
      lastTestedAt: row.last_tested_at,
      lastError: row.last_error,
      lastErrorCode: row.last_error_code,
      needsReconnect: Boolean(row.needs_reconnect),
      updatedAt: row.updated_at,
    };
  }

  async put(record: StatusRecord): Promise<void> {
    const values = {
      status: record.status,
      last_tested_at: record.lastTestedAt,
      last_error: record.lastError,
      last_error_code: record.lastErrorCode,
      needs_reconnect: record.needsReconnect ? 1 : 0,
      updated_at: record.updatedAt,
    };
    await this.#db
      .insertInto('integration_status')
      .values({ tenant_id: record.tenantId, provider: record.provider, ...values })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'provider']).doUpdateSet(values))
      .execute();
  }

  async delete(tenantId: string, provider: string): Promise<void> {
    await this.#db
      .deleteFrom('integration_status')
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .execute();
  }
}
