import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { currencyCodeSchema, minorAmountSchema, orderIdSchema } from '../payments/input.js';
import type { AccountingEntryRecord, AccountingEntryWrite, AccountingState } from '../storage/accounting.js';
import type { IsoTime } from '../storage/port.js';
import type { AccountingEntry } from './target.js';

const common = {
  /** The POS's id for the sale (an order id) or the refund. */
  reference: orderIdSchema,
  amount: minorAmountSchema,
  currency: currencyCodeSchema,
  /** When the money changed hands (ISO-8601); defaults to now. */
  occurredAt: z.string().datetime({ offset: true, message: 'must be an ISO-8601 date and time' }).optional(),
  /** A line for the document's memo, e.g. how it was paid. */
  memo: z.string().trim().min(1).max(200).optional(),
};

/** A sale the host records itself (cash, its own card terminal): `integrations.accounting.recordSale`. */
export const saleInput = z.object(common).strict();
/** A refund of a recorded sale: `integrations.accounting.recordRefund`. */
export const refundInput = z.object({ ...common, saleReference: orderIdSchema }).strict();

export type SaleInput = z.input<typeof saleInput>;
export type AccountingRefundInput = z.input<typeof refundInput>;

/** The write for a validated sale or refund; its request id is made once, here, and stored with it. */
export function entryWrite(
  tenantId: string,
  kind: 'sale' | 'refund',
  input: z.output<typeof saleInput> & { saleReference?: string },
  now: IsoTime,
): AccountingEntryWrite {
  return {
    tenantId,
    kind,
    reference: input.reference,
    // A UUID: 36 characters, within QuickBooks' 50 (and its 36 in a batch).
    requestId: randomUUID(),
    payload: {
      amount: input.amount,
      currency: input.currency,
      occurredAt: new Date(input.occurredAt ?? now).toISOString(),
      ...(input.saleReference !== undefined ? { saleReference: input.saleReference } : {}),
      ...(input.memo !== undefined ? { memo: input.memo } : {}),
    },
  };
}

/** The entry as the connector receives it. */
export function accountingEntry(record: AccountingEntryRecord): AccountingEntry {
  const { payload } = record;
  return {
    kind: record.kind,
    reference: record.reference,
    amount: payload.amount,
    currency: payload.currency,
    occurredAt: payload.occurredAt,
    ...(payload.saleReference !== undefined ? { saleReference: payload.saleReference } : {}),
    ...(payload.memo !== undefined ? { memo: payload.memo } : {}),
  };
}

/** A ledger entry as the SDK returns it. Never holds a secret. */
export interface AccountingEntryView {
  kind: 'sale' | 'refund';
  reference: string;
  sale_reference: string | null;
  amount: number;
  currency: string;
  occurred_at: string;
  memo: string | null;
  /** `pending` until recorded in the books (`pushed`) or refused for good (`failed`, see `last_error`). */
  state: AccountingState;
  attempts: number;
  /** The provider's id of the document (a QuickBooks SalesReceipt id) once pushed. */
  document_id: string | null;
  last_error: string | null;
  next_attempt_at: string | null;
  pushed_at: string | null;
  created_at: string;
}

export function entryView(record: AccountingEntryRecord): AccountingEntryView {
  const { payload } = record;
  return {
    kind: record.kind,
    reference: record.reference,
    sale_reference: payload.saleReference ?? null,
    amount: payload.amount,
    currency: payload.currency,
    occurred_at: payload.occurredAt,
    memo: payload.memo ?? null,
    state: record.state,
    attempts: record.attempts,
    document_id: record.documentId,
    last_error: record.lastError,
    next_attempt_at: record.state === 'pending' ? record.nextAttemptAt : null,
    pushed_at: record.pushedAt,
    created_at: record.createdAt,
  };
}
