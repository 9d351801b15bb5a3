import type { IsoTime } from './port.js';

/** The store behind webhook delivery of host events: the outbox and each event's delivery log. */

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

export interface OutboxEventWrite {
  /** The event id (`evt_…`). */
  id: string;
  tenantId: string;
  type: string;
  /** The JSON body every delivery of the event sends, byte for byte. */
  body: string;
  createdAt: IsoTime;
}

export interface OutboxEvent extends OutboxEventWrite {
  status: OutboxStatus;
  /** Delivery attempts made so far. */
  attempts: number;
  /** When the next attempt is due (while pending). */
  nextAttemptAt: IsoTime;
  deliveredAt: IsoTime | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

/** One POST of an event to the host's URL and what came back. */
export interface DeliveryAttempt {
  eventId: string;
  /** 1 for the first attempt. */
  attempt: number;
  attemptedAt: IsoTime;
  /** The answer's HTTP status; null when none came (timeout, refused connection). */
  statusCode: number | null;
  /** Why it failed, in words; null for a 2xx. Never holds the signing secret. */
  error: string | null;
  durationMs: number;
}

/** Where an attempt leaves the event: delivered, to be tried again at a time, or given up. */
export type DeliveryOutcome =
  | { status: 'delivered' }
  | { status: 'pending'; nextAttemptAt: IsoTime }
  | { status: 'failed' };

export interface EventClaim {
  /** Random, unique to this claim; settling must present it. */
  token: string;
  now: IsoTime;
  /** After this the claim counts as abandoned (its holder crashed) and the events are claimed again. */
  until: IsoTime;
  limit: number;
}

export interface EventOutboxStore {
  /** Stores a new pending event, due now. A second event with the same id is an error. */
  append(event: OutboxEventWrite): Promise<void>;
  /**
   * Claims up to `limit` pending events due at `now` that nobody holds (or whose claim expired),
   * oldest first, each with one conditional update: of concurrent claimants, one gets each event.
   */
  claimDue(claim: EventClaim): Promise<OutboxEvent[]>;
  /**
   * Records an attempt and where it leaves the event, and frees the claim; only while `token`
   * still holds it (`false` otherwise, and nothing changes).
   */
  settle(eventId: string, token: string, attempt: DeliveryAttempt, outcome: DeliveryOutcome): Promise<boolean>;
  /** A tenant's events, newest first; `before` continues after the previous page's last event. */
  list(
    tenantId: string,
    options: { limit: number; before?: { createdAt: IsoTime; id: string } },
  ): Promise<OutboxEvent[]>;
  /** The attempts of some of a tenant's events, oldest first. */
  attempts(tenantId: string, eventIds: readonly string[]): Promise<DeliveryAttempt[]>;
  /** Removes delivered and given-up events (and their attempts) created before `before`; returns how many. */
  prune(before: IsoTime): Promise<number>;
}
