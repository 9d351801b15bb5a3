import type { Clock } from '../clock.js';
import type { Connector } from '../connectors.js';
import type { Logger } from '../logger.js';
import type { IntegrationStorage } from '../storage/port.js';
import type { ConnectionAccess } from './connection-access.js';
import { applyDisputeEvent, applyRefundEvent, type MoneyEventParts } from './money-events.js';
import type { CheckoutCapability, CheckoutEvent, WebhookDelivery } from './provider.js';
import { applySessionEvent, type SettleParts } from './settle.js';

/** What happened to a verified webhook event. */
export interface WebhookResult {
  received: true;
  duplicate: boolean;
  outcome:
    | 'applied'
    | 'unchanged'
    | 'duplicate'
    | 'unknown_session'
    | 'amount_mismatch'
    | 'ignored'
    | 'disconnected'
    | 'held'
    | 'unknown_payment';
}

export interface InboxParts {
  storage: IntegrationStorage;
  connector: Connector & { checkout: CheckoutCapability };
  connections: ConnectionAccess;
  clock: Clock;
  logger: Logger;
  /** How a session event settles its payment. */
  settle: SettleParts;
  /** How refund and dispute events reach their payment. */
  money: MoneyEventParts;
}

/** Webhook event ids kept in memory, newest last: enough to cover a provider's quick retries. */
const KNOWN_EVENT_IDS = 4096;

/**
 * The webhook inbox: verifies each delivery and applies its event exactly once, recording the
 * event id in the same transaction as its effect.
 */
export class WebhookInbox {
  readonly #parts: InboxParts;
  readonly #provider: string;
  /**
   * Event ids this instance knows are recorded: it committed them, or found them recorded.
   * Recorded ids are never removed, so a hit needs no database read; a miss asks the database.
   */
  readonly #knownEventIds = new Set<string>();

  constructor(parts: InboxParts) {
    this.#parts = parts;
    this.#provider = parts.connector.id;
  }

  /** See `PaymentService.handleWebhook`. */
  async receive(delivery: WebhookDelivery): Promise<WebhookResult> {
    const receivedAt = this.#parts.clock.now();
    const event = this.#parts.connector.checkout.verifyWebhook(delivery, receivedAt);
    const now = receivedAt.toISOString();
    const duplicate: WebhookResult = { received: true, duplicate: true, outcome: 'duplicate' };
    // Retries are common: ids known to be recorded here are turned away before any transaction.
    // Everything else goes to the insert below, which decides for deliveries arriving together
    // and for other instances sharing the database (a read first would cost every first
    // delivery one more query to spare the rare retry this instance has not seen).
    const { storage } = this.#parts;
    if (this.#knownEventIds.has(event.id)) return duplicate;
    const apply = async (tx: IntegrationStorage): Promise<WebhookResult> => {
      const first = await tx.webhookEvents.record({
        eventId: event.id,
        provider: this.#provider,
        type: event.type,
        account: event.account,
        receivedAt: now,
        processedAt: now,
      });
      if (!first) return duplicate;
      switch (event.kind) {
        case 'session':
          return {
            received: true,
            duplicate: false,
            outcome: await applySessionEvent(this.#parts.settle, tx, event, now),
          };
        case 'refund':
          return {
            received: true,
            duplicate: false,
            outcome: await applyRefundEvent(this.#parts.money, tx, event, now),
          };
        case 'dispute':
          return {
            received: true,
            duplicate: false,
            outcome: await applyDisputeEvent(this.#parts.money, tx, event, now),
          };
        case 'deauthorized':
          return { received: true, duplicate: false, outcome: await this.#deauthorize(tx, event) };
        default:
          this.#parts.logger.info(
            {
              provider: this.#provider,
              event_id: event.id,
              type: event.type,
              reason: event.reason,
            },
            'Webhook event ignored',
          );
          return { received: true, duplicate: false, outcome: 'ignored' };
      }
    };
    // Deliveries arriving together may share one transaction (group commit, on SQLite); each is
    // still applied or rolled back on its own, and answered only once the commit is durable.
    const result = await (storage.groupTransaction ? storage.groupTransaction(apply) : storage.transaction(apply));
    this.#knowEventId(event.id);
    return result;
  }

  #knowEventId(eventId: string): void {
    this.#knownEventIds.add(eventId);
    if (this.#knownEventIds.size > KNOWN_EVENT_IDS) {
      this.#knownEventIds.delete(this.#knownEventIds.values().next().value as string);
    }
  }

  async #deauthorize(
    tx: IntegrationStorage,
    event: Extract<CheckoutEvent, { kind: 'deauthorized' }>,
  ): Promise<WebhookResult['outcome']> {
    const { connector, connections, logger } = this.#parts;
    const tenants = event.account ? await connector.checkout.tenantsForAccount(tx, event.account) : [];
    let disconnected = 0;
    for (const tenantId of tenants) {
      const done = await connections.disconnectedByProvider(tx, tenantId, this.#provider, {
        happenedAt: event.createdAt,
        message: `${connector.displayName} reported that the account removed this platform's access (${event.type}); it is disconnected.`,
      });
      if (done) disconnected += 1;
    }
    logger.info(
      {
        provider: this.#provider,
        event_id: event.id,
        tenants_disconnected: disconnected,
      },
      'Provider account deauthorized',
    );
    return disconnected > 0 ? 'disconnected' : 'ignored';
  }
}
