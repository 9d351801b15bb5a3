import type {
  DisputeRecord,
  DisputeStore,
  RefundChanges,
  RefundRecord,
  RefundStatus,
  RefundStore,
} from '@pos/integrations-core/storage';
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { runCompiled } from '../compiled.js';
import { readInteger } from '../numbers.js';
import type { IntegrationsDatabase, PaymentDisputesTable, PaymentRefundsTable } from '../schema.js';

/** Each field of a refund and its column; one list for writing, updating and reading. */
const REFUND_COLUMNS = {
  id: 'id',
  tenantId: 'tenant_id',
  provider: 'provider',
  paymentId: 'payment_id',
  orderId: 'order_id',
  paymentRef: 'payment_ref',
  providerRefundId: 'provider_refund_id',
  amount: 'amount',
  currency: 'currency',
  reason: 'reason',
  status: 'status',
  source: 'source',
  clientKey: 'client_key',
  requestHash: 'request_hash',
  failureReason: 'failure_reason',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const satisfies { [K in keyof RefundRecord]-?: keyof PaymentRefundsTable };
const REFUND_FIELDS = Object.keys(REFUND_COLUMNS) as (keyof RefundRecord)[];

// Written out rather than built from REFUND_COLUMNS: a payment's list is read on every refund
// event, and building each record from the field list cost several times as much.
function toRefund(row: Selectable<PaymentRefundsTable>): RefundRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    provider: row.provider,
    paymentId: row.payment_id,
    orderId: row.order_id,
    paymentRef: row.payment_ref,
    providerRefundId: row.provider_refund_id,
    amount: readInteger(row.amount),
    currency: row.currency,
    reason: row.reason,
    status: row.status as RefundStatus,
    source: row.source as RefundRecord['source'],
    clientKey: row.client_key,
    requestHash: row.request_hash,
    failureReason: row.failure_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  } satisfies Record<keyof typeof REFUND_COLUMNS, unknown>;
}

export class KyselyRefundStore implements RefundStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  async insert(record: RefundRecord) {
    const values = Object.fromEntries(
      // Every column bound, unset ones as null: the compiled insert binds the same list each time.
      REFUND_FIELDS.map((field) => [REFUND_COLUMNS[field], record[field] ?? null]),
    ) as Insertable<PaymentRefundsTable>;
    // The unique indexes (id; provider + provider id; tenant + payment + client key) decide
    // between concurrent inserts, on any connection: the others insert nothing.
    const result = await runCompiled(this.#db, 'payment_refunds.insert', Object.values(values), () =>
      this.#db
        .insertInto('payment_refunds')
        .values(values)
        .onConflict((conflict) => conflict.doNothing()),
    );
    return result.numAffectedRows === 1n;
  }

  // Compiled once, as the lists below: a refund event reads its refund by provider id, a refund
  // answer by our id.
  async get(tenantId: string, id: string) {
    const { rows } = await runCompiled(this.#db, 'payment_refunds.get', [tenantId, id], () =>
      this.#select().where('tenant_id', '=', tenantId).where('id', '=', id),
    );
    return rows[0] && toRefund(rows[0]);
  }

  async byProviderId(provider: string, providerRefundId: string) {
    const { rows } = await runCompiled(this.#db, 'payment_refunds.byProviderId', [provider, providerRefundId], () =>
      this.#select().where('provider', '=', provider).where('provider_refund_id', '=', providerRefundId),
    );
    return rows[0] && toRefund(rows[0]);
  }

  async byClientKey(tenantId: string, paymentId: string, clientKey: string) {
    const row = await this.#select()
      .where('tenant_id', '=', tenantId)
      .where('payment_id', '=', paymentId)
      .where('client_key', '=', clientKey)
      .executeTakeFirst();
    return row && toRefund(row);
  }

  // The two lists below run for every session event that pays a payment (its held refunds join
  // it) and every refund event: compiled once, like the webhook path's other queries.
  async listForPayment(tenantId: string, paymentId: string) {
    const { rows } = await runCompiled(this.#db, 'payment_refunds.listForPayment', [tenantId, paymentId], () =>
      this.#select()
        .where('tenant_id', '=', tenantId)
        .where('payment_id', '=', paymentId)
        .orderBy('created_at')
        .orderBy('id'),
    );
    return rows.map(toRefund);
  }

  async listUnattached(tenantId: string, provider: string, paymentRef: string) {
    const { rows } = await runCompiled(
      this.#db,
      'payment_refunds.listUnattached',
      [tenantId, provider, paymentRef],
      () =>
        this.#select()
          .where('tenant_id', '=', tenantId)
          .where('provider', '=', provider)
          .where('payment_ref', '=', paymentRef)
          .where('payment_id', 'is', null)
          .orderBy('created_at')
          .orderBy('id'),
    );
    return rows.map(toRefund);
  }

  async update(tenantId: string, id: string, changes: RefundChanges, now: string) {
    const values: Record<string, unknown> = { updated_at: now };
    for (const [field, value] of Object.entries(changes)) {
      if (value !== undefined) values[REFUND_COLUMNS[field as keyof RefundChanges]] = value;
    }
    await this.#db
      .updateTable('payment_refunds')
      .set(values as Updateable<PaymentRefundsTable>)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  #select() {
    return this.#db.selectFrom('payment_refunds').selectAll();
  }
}

function toDispute(row: Selectable<PaymentDisputesTable>): DisputeRecord {
  return {
    provider: row.provider,
    disputeId: row.dispute_id,
    tenantId: row.tenant_id,
    paymentId: row.payment_id,
    paymentRef: row.payment_ref,
    status: row.status,
    closed: readInteger(row.closed) === 1,
    amount: readInteger(row.amount),
    currency: row.currency,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class KyselyDisputeStore implements DisputeStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  async put(record: DisputeRecord) {
    const values = {
      provider: record.provider,
      dispute_id: record.disputeId,
      tenant_id: record.tenantId,
      payment_id: record.paymentId,
      payment_ref: record.paymentRef,
      status: record.status,
      closed: Number(record.closed),
      amount: record.amount,
      currency: record.currency,
      reason: record.reason,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
    };
    const { provider: _provider, dispute_id: _id, created_at: _created, ...changes } = values;
    await this.#db
      .insertInto('payment_disputes')
      .values(values)
      .onConflict((conflict) => conflict.columns(['provider', 'dispute_id']).doUpdateSet(changes))
      .execute();
  }

  async get(provider: string, disputeId: string) {
    const row = await this.#db
      .selectFrom('payment_disputes')
      .selectAll()
      .where('provider', '=', provider)
      .where('dispute_id', '=', disputeId)
      .executeTakeFirst();
    return row && toDispute(row);
  }

  async listForPayment(tenantId: string, paymentId: string) {
    const { rows } = await runCompiled(this.#db, 'payment_disputes.listForPayment', [tenantId, paymentId], () =>
      this.#db
        .selectFrom('payment_disputes')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('payment_id', '=', paymentId)
        .orderBy('created_at')
        .orderBy('dispute_id'),
    );
    return rows.map(toDispute);
  }

  async listUnattached(tenantId: string, provider: string, paymentRef: string) {
    const { rows } = await runCompiled(
      this.#db,
      'payment_disputes.listUnattached',
      [tenantId, provider, paymentRef],
      () =>
        this.#db
          .selectFrom('payment_disputes')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('provider', '=', provider)
          .where('payment_ref', '=', paymentRef)
          .where('payment_id', 'is', null)
          .orderBy('created_at')
          .orderBy('dispute_id'),
    );
    return rows.map(toDispute);
  }
}
