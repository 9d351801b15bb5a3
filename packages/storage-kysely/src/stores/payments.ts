import type {
  CheckoutSessionStatus,
  PaymentChanges,
  PaymentListQuery,
  PaymentRecord,
  PaymentSessionRecord,
  PaymentStatus,
  PaymentStore,
  WebhookEventRecord,
  WebhookEventStore,
} from '@pos/integrations-core/storage';
import { type Insertable, type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { runCompiled } from '../compiled.js';
import { readInteger } from '../numbers.js';
import type { IntegrationsDatabase, PaymentSessionsTable, PaymentsTable } from '../schema.js';

function toRecord(row: Selectable<PaymentsTable>): PaymentRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    orderId: row.order_id,
    provider: row.provider,
    providerRef: row.provider_ref,
    providerAccount: row.provider_account,
    checkoutUrl: row.checkout_url,
    amount: readInteger(row.amount),
    currency: row.currency,
    status: row.status as PaymentStatus,
    sessionStatus: row.session_status as CheckoutSessionStatus | null,
    attempt: readInteger(row.attempt),
    expiresAt: row.expires_at,
    events: JSON.parse(row.webhook_events),
    needsReview: readInteger(row.needs_review) === 1,
    claimUntil: row.claim_until,
    claimToken: row.claim_token,
    lastErrorCode: row.last_error_code,
    paymentRef: row.payment_ref,
    refundedAmount: readInteger(row.refunded_amount),
    dispute: row.dispute === null ? null : JSON.parse(row.dispute),
    version: readInteger(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const COLUMNS: { [K in keyof PaymentChanges]-?: keyof PaymentsTable } = {
  providerRef: 'provider_ref',
  providerAccount: 'provider_account',
  checkoutUrl: 'checkout_url',
  amount: 'amount',
  currency: 'currency',
  status: 'status',
  sessionStatus: 'session_status',
  attempt: 'attempt',
  expiresAt: 'expires_at',
  events: 'webhook_events',
  needsReview: 'needs_review',
  claimUntil: 'claim_until',
  claimToken: 'claim_token',
  lastErrorCode: 'last_error_code',
  paymentRef: 'payment_ref',
  refundedAmount: 'refunded_amount',
  dispute: 'dispute',
};

function toColumns(changes: PaymentChanges): Updateable<PaymentsTable> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const column = COLUMNS[key as keyof PaymentChanges];
    if (!column) throw new TypeError(`A payment has no field "${key}" to change.`);
    values[column] =
      key === 'events' || (key === 'dispute' && value !== null)
        ? JSON.stringify(value)
        : typeof value === 'boolean'
          ? Number(value)
          : value;
  }
  return values as Updateable<PaymentsTable>;
}

export class KyselyPaymentStore implements PaymentStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  async get(tenantId: string, orderId: string) {
    const { rows } = await runCompiled(this.#db, 'payments.get', [tenantId, orderId], () =>
      this.#db.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('order_id', '=', orderId),
    );
    const [row] = rows;
    return row && toRecord(row);
  }

  async insert(record: Omit<PaymentRecord, 'version' | 'updatedAt'>) {
    // ON CONFLICT DO NOTHING on the (tenant, order) unique constraint: concurrent inserts,
    // from any connection, leave exactly one row and tell exactly one caller it was theirs.
    const result = await this.#db
      .insertInto('payments')
      .values({
        id: record.id,
        tenant_id: record.tenantId,
        order_id: record.orderId,
        provider: record.provider,
        provider_ref: record.providerRef,
        provider_account: record.providerAccount,
        checkout_url: record.checkoutUrl,
        amount: record.amount,
        currency: record.currency,
        status: record.status,
        session_status: record.sessionStatus,
        attempt: record.attempt,
        expires_at: record.expiresAt,
        webhook_events: JSON.stringify(record.events),
        needs_review: Number(record.needsReview),
        claim_until: record.claimUntil,
        claim_token: record.claimToken,
        last_error_code: record.lastErrorCode,
        payment_ref: record.paymentRef,
        refunded_amount: record.refundedAmount,
        dispute: record.dispute === null ? null : JSON.stringify(record.dispute),
        version: 1,
        created_at: record.createdAt,
        updated_at: record.createdAt,
      })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'order_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return result !== undefined;
  }

  async update(current: PaymentRecord, changes: PaymentChanges, now: string) {
    const columns = toColumns(changes);
    // One compiled query per set of changed columns; the webhook path uses two or three. No
    // RETURNING: the row at the expected version is `current`, and reading it back cost more
    // (SQLite buffers returned rows) than the update itself.
    const { tenantId, orderId, version } = current;
    const { numAffectedRows } = await runCompiled(
      this.#db,
      `payments.update:${Object.keys(columns).join(',')}`,
      [...Object.values(columns), now, tenantId, orderId, version],
      () =>
        this.#db
          .updateTable('payments')
          .set({ ...columns, version: sql<number>`version + 1`, updated_at: now })
          .where('tenant_id', '=', tenantId)
          .where('order_id', '=', orderId)
          .where('version', '=', version),
    );
    if (numAffectedRows !== 1n) return undefined;
    const written: PaymentRecord = { ...current, version: version + 1, updatedAt: now };
    for (const [key, value] of Object.entries(changes)) {
      if (value !== undefined) (written as unknown as Record<string, unknown>)[key] = value;
    }
    return written;
  }

  async byPaymentRef(tenantId: string, provider: string, paymentRef: string) {
    const row = await this.#db
      .selectFrom('payments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .where('payment_ref', '=', paymentRef)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async list(query: PaymentListQuery) {
    let select = this.#db.selectFrom('payments').selectAll().where('tenant_id', '=', query.tenantId);
    if (query.status) select = select.where('status', '=', query.status);
    const { after } = query;
    if (after) {
      select = select.where((eb) =>
        eb.or([
          eb('created_at', '<', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
        ]),
      );
    }
    const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map(toRecord);
  }

  async addSession(record: PaymentSessionRecord) {
    const values = Object.fromEntries(
      SESSION_FIELDS.map((field) => [SESSION_COLUMNS[field], record[field]]),
    ) as Insertable<PaymentSessionsTable>;
    // Runs in the transaction that stores the session on the payment: compiled once.
    await runCompiled(this.#db, 'payment_sessions.add', Object.values(values), () =>
      this.#db
        .insertInto('payment_sessions')
        .values(values)
        .onConflict((conflict) => conflict.columns(['provider', 'session_id']).doNothing()),
    );
  }

  async getSession(tenantId: string, provider: string, sessionId: string) {
    // By the primary key (provider, session_id); the tenant keeps the lookup within its rows.
    const { rows } = await runCompiled(this.#db, 'payment_sessions.get', [provider, sessionId, tenantId], () =>
      this.#db
        .selectFrom('payment_sessions')
        .selectAll()
        .where('provider', '=', provider)
        .where('session_id', '=', sessionId)
        .where('tenant_id', '=', tenantId),
    );
    const [row] = rows;
    return row && toSession(row);
  }
}

/** Each field of a recorded session and its column; one list for writing and reading. */
const SESSION_COLUMNS = {
  provider: 'provider',
  sessionId: 'session_id',
  tenantId: 'tenant_id',
  orderId: 'order_id',
  paymentId: 'payment_id',
  account: 'provider_account',
  attempt: 'attempt',
  amount: 'amount',
  currency: 'currency',
  createdAt: 'created_at',
} as const satisfies { [K in keyof PaymentSessionRecord]-?: keyof PaymentSessionsTable };
const SESSION_FIELDS = Object.keys(SESSION_COLUMNS) as (keyof PaymentSessionRecord)[];

function toSession(row: Selectable<PaymentSessionsTable>): PaymentSessionRecord {
  const record = Object.fromEntries(SESSION_FIELDS.map((field) => [field, row[SESSION_COLUMNS[field]]]));
  return { ...record, attempt: readInteger(row.attempt), amount: readInteger(row.amount) } as PaymentSessionRecord;
}

export class KyselyWebhookEventStore implements WebhookEventStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  async record(event: WebhookEventRecord) {
    // The event id is the primary key: a second delivery, even one racing on another
    // connection, finds it taken and inserts nothing.
    const values = {
      event_id: event.eventId,
      provider: event.provider,
      type: event.type,
      account: event.account,
      received_at: event.receivedAt,
      processed_at: event.processedAt,
    };
    const { numAffectedRows } = await runCompiled(this.#db, 'webhook_events.record', Object.values(values), () =>
      this.#db
        .insertInto('webhook_events')
        .values(values)
        .onConflict((conflict) => conflict.column('event_id').doNothing()),
    );
    return numAffectedRows === 1n;
  }

  async get(eventId: string) {
    // Every delivery asks first, duplicates included: compiled once.
    const { rows } = await runCompiled(this.#db, 'webhook_events.get', [eventId], () =>
      this.#db.selectFrom('webhook_events').selectAll().where('event_id', '=', eventId),
    );
    const [row] = rows;
    return (
      row && {
        eventId: row.event_id,
        provider: row.provider,
        type: row.type,
        account: row.account,
        receivedAt: row.received_at,
        processedAt: row.processed_at,
      }
    );
  }
}
