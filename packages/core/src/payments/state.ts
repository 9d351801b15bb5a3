import type { CheckoutSessionStatus, PaymentDispute, PaymentStatus } from '../storage/payments.js';
import type { RefundStatus } from '../storage/refunds.js';
import type { SessionOutcome } from './provider.js';

/**
 * The payment state machine (the same table is in `docs/payments.md`). A payment's status is
 * worked out from facts that only grow, so events may arrive late, twice or in any order and the
 * payment still ends in the same state.
 *
 * 1. The checkout's outcome. Each session event (and a cancel) names a target; the payment moves
 *    to it only when the target ranks higher than where it is:
 *
 * | event                                             | target     | rank |
 * | ------------------------------------------------- | ---------- | ---- |
 * | (new session)                                     | `pending`  | 0    |
 * | `checkout.session.completed`, payment_status paid | `paid`     | 4    |
 * | `checkout.session.completed`, otherwise           | `pending` (the session is complete, the money is on its way) | 0 |
 * | `checkout.session.async_payment_succeeded`        | `paid`     | 4    |
 * | `checkout.session.async_payment_failed`           | `failed`   | 3    |
 * | `checkout.session.expired`                        | `expired`  | 1    |
 * | cancel (`POST …/cancel`, the session expired at the provider) | `canceled` | 2 |
 *
 * 2. Once paid, the money: refunds (each by its provider id, its status only moving forward:
 *    `requested` → `pending` → `requires_action` → `succeeded` → `failed`/`canceled`) and the
 *    dispute (`needs_response` → `under_review` → closed: `won`, `lost`, `warning_closed`,
 *    `prevented`). Refunds pending, needing action or succeeded count in `refunded_amount`.
 *
 * | checkout outcome | dispute open | refunded_amount     | status               |
 * | ---------------- | ------------ | ------------------- | -------------------- |
 * | not `paid`       | any          | any                 | the outcome          |
 * | `paid`           | yes          | any                 | `disputed`           |
 * | `paid`           | no           | 0                   | `paid`               |
 * | `paid`           | no           | 0 < r < amount      | `partially_refunded` |
 * | `paid`           | no           | ≥ amount            | `refunded`           |
 *
 * A new session for the order (after `expired`, `canceled` or `failed`) starts the next attempt
 * at `pending`; events of earlier sessions then only join the trail (a payment still counts).
 */
export type CheckoutOutcome = 'pending' | 'expired' | 'canceled' | 'failed' | 'paid';

const OUTCOME_RANK: Record<CheckoutOutcome, number> = { pending: 0, expired: 1, canceled: 2, failed: 3, paid: 4 };
const SESSION_RANK: Record<CheckoutSessionStatus, number> = { open: 0, expired: 1, complete: 2 };

/** What moves the checkout: a provider's session event, or a cancel made here. */
export type Outcome = SessionOutcome | 'canceled';

const TARGETS: Record<Outcome, { status: CheckoutOutcome; session: CheckoutSessionStatus }> = {
  completed_paid: { status: 'paid', session: 'complete' },
  completed_unpaid: { status: 'pending', session: 'complete' },
  async_succeeded: { status: 'paid', session: 'complete' },
  async_failed: { status: 'failed', session: 'complete' },
  expired: { status: 'expired', session: 'expired' },
  canceled: { status: 'canceled', session: 'expired' },
};

/** The statuses of a payment whose money arrived. */
const SETTLED: ReadonlySet<PaymentStatus> = new Set(['paid', 'partially_refunded', 'refunded', 'disputed']);

/** Whether the money arrived (whatever happened to it since). */
export function isSettled(status: PaymentStatus): boolean {
  return SETTLED.has(status);
}

/** The checkout's outcome behind a status. */
export function checkoutOutcome(status: PaymentStatus): CheckoutOutcome {
  return isSettled(status) ? 'paid' : (status as CheckoutOutcome);
}

export interface SessionState {
  status: PaymentStatus;
  sessionStatus: CheckoutSessionStatus | null;
}

export function outcomeTarget(outcome: Outcome): { status: CheckoutOutcome; session: CheckoutSessionStatus } {
  return TARGETS[outcome];
}

/**
 * Where a payment's checkout goes when its current session reports `outcome`. A payment that
 * was already paid keeps its status (refunds and disputes decide it); one that just became paid
 * is `paid` until {@link moneyStatus} adds what is known about its money.
 */
export function nextState(current: SessionState, outcome: Outcome): SessionState {
  const target = TARGETS[outcome];
  const from = checkoutOutcome(current.status);
  const status = OUTCOME_RANK[target.status] > OUTCOME_RANK[from] ? target.status : current.status;
  const sessionStatus =
    current.sessionStatus === null || SESSION_RANK[target.session] > SESSION_RANK[current.sessionStatus]
      ? target.session
      : current.sessionStatus;
  return { status, sessionStatus };
}

/** Whether an outcome means the money arrived (it counts even from a replaced session). */
export function isPaidOutcome(outcome: Outcome): boolean {
  return TARGETS[outcome].status === 'paid';
}

/** The money facts of a paid payment. */
export interface MoneyFacts {
  amount: number;
  refundedAmount: number;
  dispute: Pick<PaymentDispute, 'closed'> | null;
}

/** The status for a checkout outcome and the money facts (the second table above). */
export function moneyStatus(outcome: CheckoutOutcome, money: MoneyFacts): PaymentStatus {
  if (outcome !== 'paid') return outcome;
  if (money.dispute && !money.dispute.closed) return 'disputed';
  if (money.refundedAmount >= money.amount) return 'refunded';
  return money.refundedAmount > 0 ? 'partially_refunded' : 'paid';
}

const REFUND_RANK: Record<RefundStatus, number> = {
  requested: 0,
  pending: 1,
  requires_action: 2,
  succeeded: 3,
  failed: 4,
  canceled: 4,
};

/** A refund's status once the provider reports `reported`: it only moves forward. */
export function nextRefundStatus(current: RefundStatus, reported: RefundStatus): RefundStatus {
  return REFUND_RANK[reported] > REFUND_RANK[current] ? reported : current;
}

/** Whether a refund counts in `refunded_amount` (the provider took the money back, or is doing so). */
export function refundCounts(status: RefundStatus): boolean {
  return status === 'pending' || status === 'requires_action' || status === 'succeeded';
}

/** Whether a refund holds part of the refundable amount (counted, or asked for and not yet answered). */
export function refundReserves(status: RefundStatus): boolean {
  return status === 'requested' || refundCounts(status);
}

/** Dispute statuses by how far along they are; closed ones last. */
const DISPUTE_RANK: Record<string, number> = {
  warning_needs_response: 0,
  needs_response: 0,
  warning_under_review: 1,
  under_review: 1,
  won: 2,
  lost: 2,
  warning_closed: 2,
  prevented: 2,
};

/** Whether a dispute status means the dispute is over. */
export function disputeClosed(status: string): boolean {
  return DISPUTE_RANK[status] === 2;
}

/** Which of two reports of one dispute wins: the one further along (the first on a tie). */
export function laterDispute<T extends { status: string }>(current: T, reported: T): T {
  return (DISPUTE_RANK[reported.status] ?? 0) > (DISPUTE_RANK[current.status] ?? 0) ? reported : current;
}
