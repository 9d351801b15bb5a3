import type { ConnectorContext, ConnectorCredentials } from '../connectors.js';
import type { IsoTime, JsonObject } from '../storage/port.js';
import type { SecretValues } from '../vault.js';

/** One sale or refund to record in the merchant's books. Amounts are positive, in minor units. */
export interface AccountingEntry {
  kind: 'sale' | 'refund';
  /** The POS's id for it (an order id; for a refund, the refund's id). */
  reference: string;
  /** For a refund: the reference of the sale it gives money back for. */
  saleReference?: string;
  amount: number;
  /** ISO 4217, lower case (`usd`). */
  currency: string;
  occurredAt: IsoTime;
  /** A line for the document's memo, e.g. how it was paid. */
  memo?: string;
}

/**
 * What a connector offers when it can record sales in the merchant's books (QuickBooks Online).
 *
 * `push` creates one document for the entry. `requestId` is the same on every attempt for one
 * entry: the connector sends it so that the provider creates one document however often the call
 * is repeated (QuickBooks' `requestid`). Failures are {@link IntegrationError}s: `RATE_LIMITED` /
 * `PROVIDER_UNAVAILABLE` are retried with backoff, `needsReconnect` waits for the merchant, any
 * other error marks the entry failed with its message.
 */
export interface AccountingCapability<S extends SecretValues = SecretValues, P extends JsonObject = JsonObject> {
  push(
    entry: AccountingEntry,
    requestId: string,
    credentials: ConnectorCredentials<S, P>,
    context: ConnectorContext,
  ): Promise<{ documentId: string }>;
}
