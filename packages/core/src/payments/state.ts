import type { CheckoutSessionStatus, PaymentStatus } from '../storage/payments.js';
import type { SessionOutcome } from './provider.js';

/**
 * The payment state machine. Each session event names a target; the payment moves to it only
 * when the target ranks higher than where it is. Ranks only grow, so events may arrive late,
 * twice or in any order and the payment still ends in the same state: `paid` is terminal (a
 * late `expired` never undoes it), and `failed` or `expired` never fall back to `pending`.
 *
 * | event                                             | target    |
 * | ------------------------------------------------- | --------- |
 * | `checkout.session.completed`, payment_status paid | `paid`    |
 * | `checkout.session.completed`, otherwise           | `pending` (the session is complete, the money is on its way) |
 * | `checkout.session.async_payment_succeeded`        | `paid`    |
 * | `checkout.session.async_payment_failed`           | `failed`  |
 * | `checkout.session.expired`                        | `expired` |
 *
 * A new session for the order (after `expired` or `failed`) starts the next attempt at
 * `pending`; events of earlier sessions then only join the trail (a payment still counts).
 */
const STATUS_RANK: Record<PaymentStatus, number> = { pending: 0, expired: 1, failed: 2, paid: 3 };
const SESSION_RANK: Record<CheckoutSessionStatus, number> = { open: 0, expired: 1, complete: 2 };

const TARGETS: Record<SessionOutcome, { status: PaymentStatus; session: CheckoutSessionStatus }> = {
  completed_paid: { status: 'paid', session: 'complete' },
  completed_unpaid: { status: 'pending', session: 'complete' },
  async_succeeded: { status: 'paid', session: 'complete' },
  async_failed: { status: 'failed', session: 'complete' },
  expired: { status: 'expired', session: 'expired' },
};

export interface SessionState {
  status: PaymentStatus;
  sessionStatus: CheckoutSessionStatus | null;
}

export function outcomeTarget(outcome: SessionOutcome): { status: PaymentStatus; session: CheckoutSessionStatus } {
  return TARGETS[outcome];
}

/** Where a payment goes when its current session reports `outcome`. */
export function nextState(current: SessionState, outcome: SessionOutcome): SessionState {
  const target = TARGETS[outcome];
  const status = STATUS_RANK[target.status] > STATUS_RANK[current.status] ? target.status : current.status;
  const sessionStatus =
    current.sessionStatus === null || SESSION_RANK[target.session] > SESSION_RANK[current.sessionStatus]
      ? target.session
      : current.sessionStatus;
  return { status, sessionStatus };
}

/** Whether an outcome means the money arrived (it counts even from a replaced session). */
export function isPaidOutcome(outcome: SessionOutcome): boolean {
  return TARGETS[outcome].status === 'paid';
}
