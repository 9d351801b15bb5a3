import type { OAuthStateRecord, OAuthStateStore } from '@pos/integrations-core/storage';
import type { Kysely } from 'kysely';
import { readInteger } from '../numbers.js';
import type { IntegrationsDatabase } from '../schema.js';

export class KyselyOAuthStateStore implements OAuthStateStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  async insert(record: OAuthStateRecord): Promise<void> {
    await this.#db
      .insertInto('oauth_states')
      .values({
        state_hash: record.stateHash,
        tenant_id: record.tenantId,
        provider: record.provider,
        created_at: record.createdAt,
        expires_at: record.expiresAt,
        data: record.data === null ? null : JSON.stringify(record.data),
      })
      .execute();
  }

  async take(stateHash: string): Promise<OAuthStateRecord | undefined> {
    // One DELETE … RETURNING: of two concurrent callbacks, only one gets the row.
    const row = await this.#db
      .deleteFrom('oauth_states')
      .where('state_hash', '=', stateHash)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      stateHash: row.state_hash,
      tenantId: row.tenant_id,
      provider: row.provider,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      data: row.data === null ? null : JSON.parse(row.data),
    };
  }

  async countOpen(tenantId: string, now: string): Promise<{ count: number; firstExpiresAt: string | null }> {
    const row = await this.#db
      .selectFrom('oauth_states')
      .select((eb) => [eb.fn.countAll().as('count'), eb.fn.min('expires_at').as('first')])
      .where('tenant_id', '=', tenantId)
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow();
    return { count: readInteger(row.count), firstExpiresAt: row.first ?? null };
  }

  async deleteExpired(now: string): Promise<number> {
    const result = await this.#db.deleteFrom('oauth_states').where('expires_at', '<=', now).executeTakeFirst();
    return readInteger(result.numDeletedRows);
  }
}
