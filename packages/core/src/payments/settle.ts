import type { ActivityLog } from '../activity.js';
import { IntegrationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PaymentChanges, PaymentEventEntry, PaymentRecord, PaymentSessionRecord } from '../storage/payments.js';
import type { IntegrationStorage, IsoTime } from '../storage/port.js';
import { joinHeldMoney } from './money.js';
import type { PaymentObserver } from './observer.js';
import type { CheckoutEvent } from './provider.js';
import { isPaidOutcome, isSettled, nextState, type SessionState } from './state.js';

/** Compare-and-swap tries before giving up on a payment that keeps changing. */
export const MAX_CAS_ATTEMPTS = 8;

type SessionEvent = Extract<CheckoutEvent, { kind: 'session' }>;

/** What a session event did to the payment it names. */
export type SettleOutcome = 'applied' | 'unchanged' | 'unknown_session' | 'amount_mismatch';

export interface SettleParts {
  provider: string;
  logger: Logger;
  /** The integration log; entries are written in the event's transaction. */
  activity: ActivityLog;
  /** Most events kept in a payment's trail, newest last. */
  trailLimit: number;
  /** Tells the observers of a payment whose status changed, in the same transaction. */
  changed: PaymentObserver;
}

/** A session the platform created for the payment, and what its attempt asked for. */
interface Attempt {
  /** The payment's current session (else an earlier attempt's). */
  current: boolean;
  amount: number;
  currency: string;
}

/** The record written when a session is stored on its payment (in the same transaction). */
export function sessionAttempt(row: PaymentRecord & { providerRef: string }, now: IsoTime): PaymentSessionRecord {
  return {
    tenantId: row.tenantId,
    provider: row.provider,
    sessionId: row.providerRef,
    orderId: row.orderId,
    paymentId: row.id,
    account: row.providerAccount,
    attempt: row.attempt,
    amount: row.amount,
    currency: row.currency,
    createdAt: now,
  };
}

function units(amount: number | null, currency: string | null): string {
  return typeof amount === 'number' && typeof currency === 'string'
    ? `${amount} ${currency.toUpperCase()}`
    : 'no amount';
}

/**
 * Applies one verified session event inside the transaction that records its id. The event
 * counts only for a session the platform created for the payment its metadata names — the
 * payment's current session (no extra query), or an earlier attempt's recorded session (one
 * lookup by primary key) — coming from the account that session was created on, and only when
 * its `amount_total` and currency are the ones that attempt asked for. A session the platform
 * did not create changes nothing (a refused trail entry when it comes from the payment's own
 * account); a session reporting another amount is not applied and sets `needsReview`.
 */
export async function applySessionEvent(
  parts: SettleParts,
  tx: IntegrationStorage,
  event: SessionEvent,
  now: IsoTime,
): Promise<SettleOutcome> {
  const { session } = event;
  const tenantId = session.metadata.tenant_id;
  const orderId = session.metadata.order_id ?? session.clientReferenceId;
  // A recorded session never changes: looked up at most once, whatever the retries below.
  let recorded: Promise<PaymentSessionRecord | undefined> | undefined;
  const attemptOf = async (row: PaymentRecord): Promise<Attempt | undefined> => {
    if (event.account === null) return undefined;
    if (row.providerRef === session.id) {
      // The payment's amount and currency always belong to its current attempt.
      return row.providerAccount === event.account
        ? { current: true, amount: row.amount, currency: row.currency }
        : undefined;
    }
    recorded ??= tx.payments.getSession(row.tenantId, parts.provider, session.id);
    const earlier = await recorded;
    const ours =
      earlier !== undefined &&
      earlier.paymentId === row.id &&
      earlier.orderId === row.orderId &&
      earlier.account === event.account;
    return ours ? { current: false, amount: earlier.amount, currency: earlier.currency } : undefined;
  };
  const entry = (state: SessionState, applied: boolean): PaymentEventEntry => ({
    event_id: event.id,
    type: event.type,
    session_id: session.id,
    created_at: event.createdAt,
    received_at: now,
    status: state.status,
    applied,
  });
  const trail = (row: PaymentRecord, added: PaymentEventEntry) => [...row.events, added].slice(-parts.trailLimit);
  const about = { provider: parts.provider, event_id: event.id, type: event.type, session_id: session.id };

  for (let tries = 0; tries < MAX_CAS_ATTEMPTS; tries += 1) {
    const row = tenantId && orderId ? await tx.payments.get(tenantId, orderId) : undefined;
    if (!row) {
      parts.logger.info(about, 'Webhook event for an unknown checkout session');
      return 'unknown_session';
    }
    const attempt = await attemptOf(row);
    const unchanged: SessionState = { status: row.status, sessionStatus: row.sessionStatus };
    if (!attempt) {
      // Signed by the provider but not a session made here for this payment. From the payment's
      // own account it joins the trail as refused; from anywhere else it leaves no mark on it.
      if (event.account === null || row.providerAccount !== event.account) {
        parts.logger.info(about, 'Webhook event for an unknown checkout session');
        return 'unknown_session';
      }
      const refused: PaymentEventEntry = { ...entry(unchanged, false), refused: 'unknown_session' };
      if (!(await tx.payments.update(row, { events: trail(row, refused) }, now))) continue;
      parts.logger.warn(
        {
          ...about,
          tenant_id: row.tenantId,
          order_id: row.orderId,
        },
        'Webhook event for a checkout session this platform did not create; ignored',
      );
      return 'unknown_session';
    }

    if (session.amountTotal !== attempt.amount || session.currency !== attempt.currency) {
      const refused: PaymentEventEntry = {
        ...entry(unchanged, false),
        refused: 'amount_mismatch',
        amount_total: session.amountTotal,
        currency: session.currency,
      };
      if (!(await tx.payments.update(row, { events: trail(row, refused), needsReview: true }, now))) continue;
      await parts.activity.using(tx).record({
        tenantId: row.tenantId,
        provider: parts.provider,
        level: 'error',
        event: 'payment_amount_mismatch',
        message: `Checkout session ${session.id} of order ${row.orderId} reported ${units(session.amountTotal, session.currency)} (minor units) where ${units(attempt.amount, attempt.currency)} was asked for: the event was not applied and the payment needs review.`,
        details: {
          order_id: row.orderId,
          payment_id: row.id,
          session_id: session.id,
          event_id: event.id,
          expected: { amount: attempt.amount, currency: attempt.currency },
          received: { amount_total: session.amountTotal, currency: session.currency },
        },
      });
      return 'amount_mismatch';
    }

    let state: SessionState = unchanged;
    let paidEarlier = false;
    if (attempt.current) state = nextState(state, event.outcome);
    else if (isPaidOutcome(event.outcome) && !isSettled(row.status)) {
      // Money arrived through a session that was replaced: it counts.
      state = { status: 'paid', sessionStatus: row.sessionStatus };
      paidEarlier = true;
    }
    const applied = state.status !== row.status || state.sessionStatus !== row.sessionStatus;
    const changes: PaymentChanges = { events: trail(row, entry(state, applied)) };
    if (applied) {
      changes.status = state.status;
      changes.sessionStatus = state.sessionStatus;
      if (state.status !== 'pending' || state.sessionStatus !== 'open') changes.checkoutUrl = null;
    }
    const paidNow = isSettled(state.status) && !isSettled(row.status);
    if (paidNow && session.paymentRef) changes.paymentRef = session.paymentRef;
    const written = await tx.payments.update(row, changes, now);
    if (!written) continue;
    if (written.status !== row.status) await parts.changed(tx, row, written);
    // Refunds or a dispute the provider reported before the payment: counted from now on.
    if (paidNow) await joinHeldMoney(parts, tx, written, now);
    if (paidEarlier) {
      parts.logger.error(
        {
          provider: parts.provider,
          tenant_id: row.tenantId,
          order_id: row.orderId,
          session_id: session.id,
        },
        'A replaced checkout session was paid: check the order for a second payment',
      );
    }
    return applied ? 'applied' : 'unchanged';
  }
  throw new IntegrationError('CONFLICT', 'The payment changed too often to apply the event; the provider will retry.', {
    status: 503,
  });
}
