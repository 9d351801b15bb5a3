import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { IntegrationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { IntegrationStorage } from '../storage/port.js';
import type { CommitHooks } from './commit.js';
import type { EventDelivery } from './delivery.js';
import { type EventDeliveryPage, type EventLogQuery, eventDeliveryLog } from './log.js';
import { type HostEvent, type HostEventObjects, type HostEventType, isHostEventType } from './types.js';

/** A subscriber; what it returns is not awaited, and what it throws is logged. */
export type HostEventHandler<T extends HostEventType = HostEventType> = (event: HostEvent<T>) => unknown;

interface BusParts {
  hooks: CommitHooks;
  clock: Clock;
  logger: Logger;
  storage: IntegrationStorage;
  /** Webhook delivery, when a URL is configured: events also go to the outbox. */
  delivery: EventDelivery | undefined;
}

/**
 * The host events (`integrations.events`): services emit each one inside the transaction that
 * makes the change, which also writes it to the webhook outbox when delivery is configured;
 * subscribers hear of it once that transaction committed, never of a change rolled back.
 */
export class HostEvents {
  readonly #parts: BusParts;
  readonly #handlers = new Map<HostEventType | '*', Set<HostEventHandler>>();

  constructor(parts: BusParts) {
    this.#parts = parts;
  }

  /** Webhook delivery of the outbox (`deliverDue`, `start`, `stop`), when a URL is configured. */
  get delivery(): EventDelivery | undefined {
    return this.#parts.delivery;
  }

  /**
   * A tenant's events with their webhook delivery attempts, newest first. `NOT_FOUND` when no
   * delivery URL is configured (nothing is logged then).
   */
  async log(tenantId: string, query: EventLogQuery = {}): Promise<EventDeliveryPage> {
    if (!this.#parts.delivery) {
      throw new IntegrationError('NOT_FOUND', 'Event delivery is not configured on this server.');
    }
    return eventDeliveryLog(this.#parts.storage, tenantId, query);
  }

  /**
   * Calls `handler` with every committed event of `type` (`'*'`: of every type), in this process.
   * Returns the function that unsubscribes it. A handler that throws or rejects is logged and
   * changes nothing else.
   */
  on<T extends HostEventType>(type: T | '*', handler: HostEventHandler<T>): () => void {
    if (type !== '*' && !isHostEventType(type)) {
      throw new IntegrationError('VALIDATION_FAILED', `There is no "${String(type)}" event to subscribe to.`);
    }
    let set = this.#handlers.get(type);
    if (!set) {
      set = new Set();
      this.#handlers.set(type, set);
    }
    const entry = handler as HostEventHandler;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /**
   * Records an event in `tx`'s transaction (the outbox row) and hands it to the subscribers once
   * that transaction committed. A failure to write the outbox row rolls the change back with it.
   */
  async emit<T extends HostEventType>(
    tx: IntegrationStorage,
    type: T,
    tenantId: string,
    object: HostEventObjects[T],
  ): Promise<HostEvent<T>> {
    const event: HostEvent<T> = {
      id: `evt_${randomBytes(16).toString('hex')}`,
      type,
      created_at: this.#parts.clock.now().toISOString(),
      tenant_id: tenantId,
      object,
    };
    if (this.#parts.delivery) {
      await tx.eventOutbox.append({
        id: event.id,
        tenantId,
        type,
        body: JSON.stringify(event),
        createdAt: event.created_at,
      });
    }
    this.#parts.hooks.afterCommit(tx, () => this.#dispatch(event));
    return event;
  }

  /** Tracks a transaction begun elsewhere (a Data Manager sink's commit); see {@link CommitHooks.around}. */
  around<T>(run: (track: (tx: IntegrationStorage) => IntegrationStorage) => Promise<T>): Promise<T> {
    return this.#parts.hooks.around(run);
  }

  #dispatch(event: HostEvent): void {
    this.#parts.delivery?.kick();
    const handlers = [...(this.#handlers.get(event.type) ?? []), ...(this.#handlers.get('*') ?? [])];
    for (const handler of handlers) {
      try {
        const result = handler(event);
        if (result instanceof Promise) result.catch((error: unknown) => this.#failed(event, error));
      } catch (error) {
        this.#failed(event, error);
      }
    }
  }

  #failed(event: HostEvent, error: unknown): void {
    this.#parts.logger.error(
      {
        event_id: event.id,
        event_type: event.type,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      },
      'An event subscriber failed',
    );
  }
}

/**
 * Runs a change and the events it emits in one transaction when they go to the outbox (so the
 * event is durable exactly when its change is). Without delivery the change keeps its own
 * statements, each committed on its own, and the events reach subscribers after the last of them.
 */
export function changeWithEvents<T>(
  events: HostEvents | undefined,
  storage: IntegrationStorage,
  work: (tx: IntegrationStorage) => Promise<T>,
): Promise<T> {
  return events?.delivery ? storage.transaction(work) : work(storage);
}
