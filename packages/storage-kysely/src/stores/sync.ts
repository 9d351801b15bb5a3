import type {
  SyncItem,
  SyncItemStatus,
  SyncItemWrite,
  SyncOp,
  SyncOutcome,
  SyncQueueStore,
  SyncStateRecord,
  SyncStateStore,
} from '@pos/integrations-core/storage';
import { type Kysely, type Selectable, sql } from 'kysely';
import { readInteger } from '../numbers.js';
import type { IntegrationsDatabase, SyncQueueTable } from '../schema.js';

// Keeps every statement well under SQLite's and Postgres's bound-parameter limits.
const ROWS_PER_INSERT = 500;
const IDS_PER_STATEMENT = 1000;

function chunks<T>(list: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < list.length; start += size) result.push(list.slice(start, start + size));
  return result;
}

function toItem(row: Selectable<SyncQueueTable>): SyncItem {
  return {
    id: readInteger(row.id),
    tenantId: row.tenant_id,
    entity: row.entity,
    op: row.op as SyncOp,
    recordKey: row.record_key,
    payload: row.payload === null ? {} : JSON.parse(row.payload),
    status: row.status as SyncItemStatus,
    attempts: readInteger(row.attempts),
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class KyselySyncQueueStore implements SyncQueueStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  async enqueue(items: readonly SyncItemWrite[], now: string): Promise<void> {
    for (const part of chunks(items, ROWS_PER_INSERT)) {
      await this.#db
        .insertInto('sync_queue')
        .values(
          part.map((item) => ({
            tenant_id: item.tenantId,
            entity: item.entity,
            op: item.op,
            record_key: item.recordKey,
            payload: JSON.stringify(item.payload),
            status: 'pending',
            attempts: 0,
            last_error: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    }
  }

  async listPending(tenantId: string, range: { afterId: number; upToId: number }, limit: number) {
    const rows = await this.#db
      .selectFrom('sync_queue')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'pending')
      .where('id', '>', range.afterId)
      .where('id', '<=', range.upToId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toItem);
  }

  async lastPendingId(tenantId: string) {
    const row = await this.#db
      .selectFrom('sync_queue')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.id === null || row?.id === undefined ? undefined : readInteger(row.id);
  }

  async counts(tenantId: string) {
    const rows = await this.#db
      .selectFrom('sync_queue')
      .select(['status', (eb) => eb.fn.countAll().as('count')])
      .where('tenant_id', '=', tenantId)
      .where('status', 'in', ['pending', 'failed'])
      .groupBy('status')
      .execute();
    const count = (status: string) => readInteger(rows.find((row) => row.status === status)?.count ?? 0);
    return { pending: count('pending'), failed: count('failed') };
  }

  async settle(tenantId: string, ids: readonly number[], outcome: SyncOutcome, now: string) {
    let changed = 0;
    for (const part of chunks(ids, IDS_PER_STATEMENT)) {
      const result = await this.#db
        .updateTable('sync_queue')
        .set({
          status: outcome.status,
          attempts: sql<number>`attempts + 1`,
          last_error: outcome.status === 'done' ? null : outcome.error,
          updated_at: now,
        })
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'pending')
        .where('id', 'in', part)
        .executeTakeFirst();
      changed += readInteger(result.numUpdatedRows);
    }
    return changed;
  }

  async retryFailed(tenantId: string, now: string) {
    const result = await this.#db
      .updateTable('sync_queue')
      .set({ status: 'pending', updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    return readInteger(result.numUpdatedRows);
  }

  async discard(tenantId: string) {
    const result = await this.#db
      .deleteFrom('sync_queue')
      .where('tenant_id', '=', tenantId)
      .where('status', 'in', ['pending', 'failed'])
      .executeTakeFirst();
    return readInteger(result.numDeletedRows);
  }

  async pruneDone(tenantId: string, before: string) {
    const result = await this.#db
      .deleteFrom('sync_queue')
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'done')
      .where('updated_at', '<', before)
      .executeTakeFirst();
    return readInteger(result.numDeletedRows);
  }

  async tenantsWithPending(after: string | undefined, limit: number) {
    let query = this.#db.selectFrom('sync_queue').select('tenant_id').distinct().where('status', '=', 'pending');
    if (after !== undefined) query = query.where('tenant_id', '>', after);
    const rows = await query.orderBy('tenant_id').limit(limit).execute();
    return rows.map((row) => row.tenant_id);
  }
}

export class KyselySyncStateStore implements SyncStateStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  async claim(tenantId: string, provider: string, token: string, now: string, expiresAt: string) {
    // One INSERT … ON CONFLICT DO UPDATE … WHERE: the row lock (Postgres) or the single writer
    // (SQLite) makes the check and the take one step, so two flushers never both win.
    const row = await this.#db
      .insertInto('sync_state')
      .values({
        tenant_id: tenantId,
        provider,
        claim_token: token,
        claim_expires_at: expiresAt,
        last_sync_at: null,
        updated_at: now,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['tenant_id', 'provider'])
          .doUpdateSet({ claim_token: token, claim_expires_at: expiresAt, updated_at: now })
          .where((eb) =>
            eb.or([eb('sync_state.claim_token', 'is', null), eb('sync_state.claim_expires_at', '<=', now)]),
          ),
      )
      .returning('claim_token')
      .executeTakeFirst();
    return row?.claim_token === token;
  }

  async renewClaim(tenantId: string, provider: string, token: string, expiresAt: string) {
    const result = await this.#db
      .updateTable('sync_state')
      .set({ claim_expires_at: expiresAt })
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .where('claim_token', '=', token)
      .executeTakeFirst();
    return readInteger(result.numUpdatedRows) === 1;
  }

  async releaseClaim(tenantId: string, provider: string, token: string) {
    await this.#db
      .updateTable('sync_state')
      .set({ claim_token: null, claim_expires_at: null })
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .where('claim_token', '=', token)
      .execute();
  }

  async recordSync(tenantId: string, provider: string, at: string) {
    await this.#db
      .insertInto('sync_state')
      .values({
        tenant_id: tenantId,
        provider,
        claim_token: null,
        claim_expires_at: null,
        last_sync_at: at,
        updated_at: at,
      })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'provider']).doUpdateSet({ last_sync_at: at, updated_at: at }),
      )
      .execute();
  }

  async get(tenantId: string, provider: string): Promise<SyncStateRecord | undefined> {
    const row = await this.#db
      .selectFrom('sync_state')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return (
      row && {
        tenantId: row.tenant_id,
        provider: row.provider,
        lastSyncAt: row.last_sync_at,
        claimExpiresAt: row.claim_expires_at,
      }
    );
  }
}
