import type {
  AccountingEntryRecord,
  AccountingEntryWrite,
  AccountingKind,
  AccountingState,
  AccountingStore,
} from '@pos/integrations-core/storage';
import { type Kysely, type Selectable, sql } from 'kysely';
import { readInteger } from '../numbers.js';
import type { AccountingEntriesTable, IntegrationsDatabase } from '../schema.js';

function toEntry(row: Selectable<AccountingEntriesTable>): AccountingEntryRecord {
  return {
    id: readInteger(row.id),
    tenantId: row.tenant_id,
    kind: row.kind as AccountingKind,
    reference: row.reference,
    requestId: row.request_id,
    payload: JSON.parse(row.payload),
    state: row.state as AccountingState,
    attempts: readInteger(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    documentId: row.document_id,
    lastError: row.last_error,
    pushedAt: row.pushed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class KyselyAccountingStore implements AccountingStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  async insert(write: AccountingEntryWrite, now: string) {
    // ON CONFLICT DO NOTHING keeps a Postgres transaction usable when the entry exists already.
    const inserted = await this.#db
      .insertInto('accounting_entries')
      .values({
        tenant_id: write.tenantId,
        kind: write.kind,
        reference: write.reference,
        request_id: write.requestId,
        payload: JSON.stringify(write.payload),
        state: 'pending',
        attempts: 0,
        next_attempt_at: now,
        document_id: null,
        last_error: null,
        pushed_at: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'kind', 'reference']).doNothing())
      .returning('id')
      .executeTakeFirst();
    const entry = await this.get(write.tenantId, write.kind, write.reference);
    if (!entry) throw new Error('The accounting entry vanished right after it was written.');
    return { entry, created: inserted !== undefined };
  }

  async get(tenantId: string, kind: AccountingKind, reference: string) {
    const row = await this.#db
      .selectFrom('accounting_entries')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .where('reference', '=', reference)
      .executeTakeFirst();
    return row && toEntry(row);
  }

  async listDue(tenantId: string, now: string, afterId: number, limit: number) {
    const rows = await this.#db
      .selectFrom('accounting_entries')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toEntry);
  }

  async markPushed(tenantId: string, id: number, documentId: string, now: string) {
    return this.#settle(tenantId, id, {
      state: 'pushed',
      document_id: documentId,
      last_error: null,
      pushed_at: now,
      updated_at: now,
    });
  }

  async markFailed(tenantId: string, id: number, error: string, now: string) {
    return this.#settle(tenantId, id, { state: 'failed', last_error: error, updated_at: now });
  }

  async reschedule(tenantId: string, id: number, error: string, nextAttemptAt: string, now: string) {
    return this.#settle(tenantId, id, { last_error: error, next_attempt_at: nextAttemptAt, updated_at: now });
  }

  async #settle(
    tenantId: string,
    id: number,
    changes: Partial<
      Pick<
        AccountingEntriesTable,
        'state' | 'document_id' | 'last_error' | 'pushed_at' | 'next_attempt_at' | 'updated_at'
      >
    >,
  ): Promise<boolean> {
    const result = await this.#db
      .updateTable('accounting_entries')
      .set({ ...changes, attempts: sql<number>`attempts + 1` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return readInteger(result.numUpdatedRows) === 1;
  }

  async postpone(tenantId: string, until: string, now: string) {
    const result = await this.#db
      .updateTable('accounting_entries')
      .set({ next_attempt_at: until, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<', until)
      .executeTakeFirst();
    return readInteger(result.numUpdatedRows);
  }

  async retryFailed(tenantId: string, now: string) {
    const result = await this.#db
      .updateTable('accounting_entries')
      .set({ state: 'pending', next_attempt_at: now, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('state', '=', 'failed')
      .executeTakeFirst();
    return readInteger(result.numUpdatedRows);
  }

  async counts(tenantId: string) {
    const rows = await this.#db
      .selectFrom('accounting_entries')
      .select(['state', (eb) => eb.fn.countAll().as('count'), (eb) => eb.fn.max('pushed_at').as('last')])
      .where('tenant_id', '=', tenantId)
      .groupBy('state')
      .execute();
    const count = (state: AccountingState) => readInteger(rows.find((row) => row.state === state)?.count ?? 0);
    return {
      pending: count('pending'),
      pushed: count('pushed'),
      failed: count('failed'),
      lastPushAt: rows.find((row) => row.state === 'pushed')?.last ?? null,
    };
  }

  async tenantsDue(now: string, after: string | undefined, limit: number) {
    let query = this.#db
      .selectFrom('accounting_entries')
      .select('tenant_id')
      .distinct()
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now);
    if (after !== undefined) query = query.where('tenant_id', '>', after);
    const rows = await query.orderBy('tenant_id').limit(limit).execute();
    return rows.map((row) => row.tenant_id);
  }
}
