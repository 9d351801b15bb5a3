import type { ConnectorContext, ConnectorCredentials } from '../connectors.js';
import { IntegrationError } from '../errors.js';
import type { PaymentChanges, PaymentRecord } from '../storage/payments.js';
import type { IntegrationStorage, IsoTime } from '../storage/port.js';
import type { CheckoutCapability, CheckoutSessionSnapshot } from './provider.js';
import { MAX_CAS_ATTEMPTS } from './settle.js';
import { isSettled, nextState } from './state.js';

/** What a cancel borrows from the checkout sessions: the row claim and the provider calls. */
export interface CancelTools {
  storage: IntegrationStorage;
  checkout: CheckoutCapability;
  now(): IsoTime;
  claim(now: IsoTime): { claimUntil: IsoTime; claimToken: string };
  /** Compare-and-swap write of `changes(current)` that releases the claim (see `CheckoutSessions`). */
  finish(
    row: PaymentRecord,
    changes: (current: PaymentRecord) => PaymentChanges | undefined,
  ): Promise<PaymentRecord | undefined>;
  /** Compare-and-swap write with its observers, claim or not. */
  write(row: PaymentRecord, changes: PaymentChanges): Promise<PaymentRecord | undefined>;
  withProvider<T>(
    tenantId: string,
    use: (credentials: ConnectorCredentials, context: ConnectorContext) => Promise<T>,
  ): Promise<T>;
}

function alreadyPaid(row: PaymentRecord): IntegrationError {
  return new IntegrationError('PAYMENT_ALREADY_PAID', `Order ${row.orderId} is already paid; refund it instead.`, {
    details: { payment_id: row.id, order_id: row.orderId, status: row.status },
  });
}

function processing(row: PaymentRecord): IntegrationError {
  return new IntegrationError(
    'PAYMENT_PROCESSING',
    `The customer completed checkout for order ${row.orderId}; the payment is still being confirmed and cannot be canceled.`,
    { details: { payment_id: row.id, order_id: row.orderId, status: row.status } },
  );
}

/** The session's state once it was asked to close: expired, or what it became meanwhile. */
async function expireAtProvider(tools: CancelTools, row: PaymentRecord): Promise<CheckoutSessionSnapshot> {
  const sessionId = row.providerRef as string;
  return tools.withProvider(row.tenantId, async (credentials, context) => {
    try {
      return await tools.checkout.expireSession(sessionId, credentials, context);
    } catch {
      // Paid, completed or expired in the meantime: read what it became.
      return tools.checkout.retrieveSession(sessionId, credentials, context);
    }
  });
}

/**
 * Cancels an order's checkout (`PaymentService.cancel`): an open session is closed at the
 * provider first, under the row's claim (so no checkout request replaces it meanwhile). The
 * payment becomes `canceled`, unless the provider says the customer paid in the meantime: then it
 * is `paid` and the cancel fails with `PAYMENT_ALREADY_PAID`. A cancel of a canceled payment
 * answers it again; a failed one stays failed (nothing is open).
 */
export async function cancelCheckout(tools: CancelTools, tenantId: string, orderId: string): Promise<PaymentRecord> {
  const { payments } = tools.storage;
  for (let tries = 0; tries < MAX_CAS_ATTEMPTS; tries += 1) {
    const now = tools.now();
    const row = await payments.get(tenantId, orderId);
    if (!row) throw new IntegrationError('NOT_FOUND', `No payment exists for order ${orderId}.`);
    if (isSettled(row.status)) throw alreadyPaid(row);
    if (row.status === 'canceled' || row.status === 'failed') return row;
    if (row.claimUntil !== null && row.claimUntil > now) {
      throw new IntegrationError(
        'CONFLICT',
        `A checkout session is being created for order ${orderId} right now. Try the cancel again in a moment.`,
        { retryAfter: 1 },
      );
    }
    if (row.status === 'pending' && row.sessionStatus === 'complete') throw processing(row);
    const toCanceled = (current: PaymentRecord): PaymentChanges => ({
      ...nextState(current, 'canceled'),
      checkoutUrl: null,
    });
    if (!(row.status === 'pending' && row.providerRef !== null && row.sessionStatus === 'open')) {
      // Nothing open at the provider (expired, or no session was ever made): canceled here.
      const written = await tools.write(row, toCanceled(row));
      if (written) return written;
      continue;
    }
    const claimed = await payments.update(row, tools.claim(now), now);
    if (!claimed) continue;
    let session: CheckoutSessionSnapshot;
    try {
      session = await expireAtProvider(tools, claimed);
    } catch (error) {
      await tools.finish(claimed, () => undefined);
      throw error;
    }
    const sessionId = claimed.providerRef;
    if (session.status === 'complete') {
      const outcome = session.paymentStatus === 'unpaid' ? 'completed_unpaid' : 'completed_paid';
      const written = await tools.finish(claimed, (current) =>
        current.providerRef === sessionId
          ? { ...nextState(current, outcome), checkoutUrl: null, paymentRef: session.paymentRef }
          : {},
      );
      throw outcome === 'completed_paid' ? alreadyPaid(written ?? claimed) : processing(written ?? claimed);
    }
    const written = await tools.finish(claimed, (current) =>
      current.providerRef === sessionId ? toCanceled(current) : undefined,
    );
    if (written) return written;
  }
  throw new IntegrationError('CONFLICT', `The payment of order ${orderId} kept changing; try the cancel again.`, {
    status: 409,
  });
}
