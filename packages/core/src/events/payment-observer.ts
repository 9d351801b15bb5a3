import type { Clock } from '../clock.js';
import type { PaymentObserver } from '../payments/observer.js';
import type { HostEvents } from './bus.js';
import { paymentEventType, paymentObject } from './objects.js';

/**
 * Emits a payment's event (`paymentEventType`) in the transaction that changed it, so the
 * event and the change commit or roll back together.
 */
export function paymentEventObserver(events: HostEvents, clock: Clock): PaymentObserver {
  return async (tx, before, after, detail) => {
    const type = paymentEventType(before, after, detail);
    if (type) await events.emit(tx, type, after.tenantId, paymentObject(after, clock.now().toISOString()));
  };
}
