import type { PaymentRecord } from '../storage/payments.js';
import type { IntegrationStorage } from '../storage/port.js';

/**
 * Told of a payment whose status or checkout session changed, inside the transaction that wrote
 * the change, with the row as it was and as it is now. What it writes through `tx` commits or
 * rolls back with the change (the sync outbox, an accounting entry, an event); a throw rolls the
 * change back.
 */
export type PaymentObserver = (tx: IntegrationStorage, before: PaymentRecord, after: PaymentRecord) => Promise<void>;
