import type {
  DeliveryAttempt,
  DeliveryOutcome,
  EventClaim,
  EventOutboxStore,
  OutboxEvent,
  OutboxEventWrite,
  OutboxStatus,
} from '@pos/integrations-core/storage';
import { type Kysely, type Selectable, sql } from 'kysely';
import { readInteger } from '../numbers.js';
import type { EventDeliveriesTable, EventOutboxTable, IntegrationsDatabase } from '../schema.js';

const IDS_PER_STATEMENT = 500;

function toEvent(row: Selectable<EventOutboxTable>): OutboxEvent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    body: row.body,
    createdAt: row.created_at,
    status: row.status as OutboxStatus,
    attempts: readInteger(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
    lastStatusCode: row.last_status_code === null ? null : readInteger(row.last_status_code),
    lastError: row.last_error,
  };
}

function toAttempt(row: Selectable<EventDeliveriesTable>): DeliveryAttempt {
  return {
    eventId: row.event_id,
    attempt: readInteger(row.attempt),
    attemptedAt: row.attempted_at,
    statusCode: row.status_code === null ? null : readInteger(row.status_code),
    error: row.error,
    durationMs: readInteger(row.duration_ms),
  };
}

export class KyselyEventOutboxStore implements EventOutboxStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  /** Runs `work` in a transaction of its own, or in the caller's when there is one. */
  #atomic<T>(work: (db: Kysely<IntegrationsDatabase>) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return work(this.#db);
    return this.#db.transaction().execute(work);
  }

  async append(event: OutboxEventWrite): Promise<void> {
    await this.#db
      .insertInto('event_outbox')
      .values({
        id: event.id,
        tenant_id: event.tenantId,
        type: event.type,
        body: event.body,
        status: 'pending',
        attempts: 0,
        next_attempt_at: event.createdAt,
        claim_token: null,
        claim_until: null,
        delivered_at: null,
        last_status_code: null,
        last_error: null,
        created_at: event.createdAt,
        updated_at: event.createdAt,
      })
      .execute();
  }

  async claimDue(claim: EventClaim): Promise<OutboxEvent[]> {
    const candidates = await this.#db
      .selectFrom('event_outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', claim.now)
      .where((eb) => eb.or([eb('claim_until', 'is', null), eb('claim_until', '<=', claim.now)]))
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(claim.limit)
      .execute();
    const claimed: string[] = [];
    for (const { id } of candidates) {
      // One conditional update per event: of concurrent claimants, only one sees its row change.
      const result = await this.#db
        .updateTable('event_outbox')
        .set({ claim_token: claim.token, claim_until: claim.until })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('claim_until', 'is', null), eb('claim_until', '<=', claim.now)]))
        .executeTakeFirst();
      if (readInteger(result.numUpdatedRows) === 1) claimed.push(id);
    }
    if (claimed.length === 0) return [];
    const rows = await this.#db
      .selectFrom('event_outbox')
      .selectAll()
      .where('id', 'in', claimed)
      .where('claim_token', '=', claim.token)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .execute();
    return rows.map(toEvent);
  }

  async settle(eventId: string, token: string, attempt: DeliveryAttempt, outcome: DeliveryOutcome): Promise<boolean> {
    return this.#atomic(async (trx) => {
      const result = await trx
        .updateTable('event_outbox')
        .set({
          status: outcome.status,
          attempts: sql<number>`attempts + 1`,
          next_attempt_at: outcome.status === 'pending' ? outcome.nextAttemptAt : attempt.attemptedAt,
          delivered_at: outcome.status === 'delivered' ? attempt.attemptedAt : null,
          last_status_code: attempt.statusCode,
          last_error: attempt.error,
          claim_token: null,
          claim_until: null,
          updated_at: attempt.attemptedAt,
        })
        .where('id', '=', eventId)
        .where('claim_token', '=', token)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (readInteger(result.numUpdatedRows) !== 1) return false;
      const owner = await trx
        .selectFrom('event_outbox')
        .select('tenant_id')
        .where('id', '=', eventId)
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('event_deliveries')
        .values({
          event_id: eventId,
          attempt: attempt.attempt,
          tenant_id: owner.tenant_id,
          attempted_at: attempt.attemptedAt,
          status_code: attempt.statusCode,
          error: attempt.error,
          duration_ms: attempt.durationMs,
        })
        .onConflict((conflict) => conflict.columns(['event_id', 'attempt']).doNothing())
        .execute();
      return true;
    });
  }

  async list(tenantId: string, options: { limit: number; before?: { createdAt: string; id: string } }) {
    let query = this.#db.selectFrom('event_outbox').selectAll().where('tenant_id', '=', tenantId);
    const { before } = options;
    if (before) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', before.createdAt),
          eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
        ]),
      );
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(toEvent);
  }

  async attempts(tenantId: string, eventIds: readonly string[]): Promise<DeliveryAttempt[]> {
    const result: DeliveryAttempt[] = [];
    for (let start = 0; start < eventIds.length; start += IDS_PER_STATEMENT) {
      const rows = await this.#db
        .selectFrom('event_deliveries')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('event_id', 'in', eventIds.slice(start, start + IDS_PER_STATEMENT))
        .orderBy('event_id')
        .orderBy('attempt')
        .execute();
      result.push(...rows.map(toAttempt));
    }
    return result.sort((a, b) => a.attemptedAt.localeCompare(b.attemptedAt) || a.attempt - b.attempt);
  }

  async prune(before: string): Promise<number> {
    return this.#atomic(async (trx) => {
      const old = trx
        .selectFrom('event_outbox')
        .select('id')
        .where('status', 'in', ['delivered', 'failed'])
        .where('created_at', '<', before);
      await trx.deleteFrom('event_deliveries').where('event_id', 'in', old).execute();
      const result = await trx
        .deleteFrom('event_outbox')
        .where('status', 'in', ['delivered', 'failed'])
        .where('created_at', '<', before)
        .executeTakeFirst();
      return readInteger(result.numDeletedRows);
    });
  }
}
