import { z } from 'zod';
import { parseInput } from '../errors.js';
import { decodeCursor, encodeCursor } from '../payments/view.js';
import type { DeliveryAttempt, OutboxEvent, OutboxStatus } from '../storage/events.js';
import type { IntegrationStorage } from '../storage/port.js';
import { assertTenant } from '../tenant.js';

/** One POST of an event, as the delivery log shows it. */
export interface EventDeliveryAttemptView {
  attempt: number;
  attempted_at: string;
  /** The receiver's HTTP status; null when it did not answer. */
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** An event in the delivery log: where its delivery stands and every attempt so far. */
export interface EventDeliveryView {
  event_id: string;
  type: string;
  created_at: string;
  /** `pending` (being tried), `delivered`, or `failed` (given up after the retry window). */
  status: OutboxStatus;
  attempts: number;
  /** When the next attempt is due; null once delivered or given up. */
  next_attempt_at: string | null;
  delivered_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  deliveries: EventDeliveryAttemptView[];
}

export interface EventDeliveryPage {
  events: EventDeliveryView[];
  next_cursor: string | null;
}

export const eventLogInput = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).optional(),
    cursor: z
      .string()
      .max(300)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a next_cursor value from an earlier page')
      .optional(),
  })
  .strip();

export type EventLogQuery = z.input<typeof eventLogInput>;

function attemptView(attempt: DeliveryAttempt): EventDeliveryAttemptView {
  return {
    attempt: attempt.attempt,
    attempted_at: attempt.attemptedAt,
    status_code: attempt.statusCode,
    error: attempt.error,
    duration_ms: attempt.durationMs,
  };
}

function eventView(event: OutboxEvent, attempts: readonly DeliveryAttempt[]): EventDeliveryView {
  return {
    event_id: event.id,
    type: event.type,
    created_at: event.createdAt,
    status: event.status,
    attempts: event.attempts,
    next_attempt_at: event.status === 'pending' ? event.nextAttemptAt : null,
    delivered_at: event.deliveredAt,
    last_status_code: event.lastStatusCode,
    last_error: event.lastError,
    deliveries: attempts.filter((attempt) => attempt.eventId === event.id).map(attemptView),
  };
}

/** A tenant's events with their delivery attempts, newest first (the delivery log). */
export async function eventDeliveryLog(
  storage: IntegrationStorage,
  tenantId: string,
  input: EventLogQuery = {},
): Promise<EventDeliveryPage> {
  assertTenant(tenantId);
  const query = parseInput<{ limit?: number; cursor?: string }>(eventLogInput, input, 'query');
  const limit = query.limit ?? 20;
  const rows = await storage.eventOutbox.list(tenantId, {
    limit: limit + 1,
    ...(query.cursor ? { before: decodeCursor(query.cursor) } : {}),
  });
  const page = rows.slice(0, limit);
  const attempts = await storage.eventOutbox.attempts(
    tenantId,
    page.map((event) => event.id),
  );
  const last = page.at(-1);
  return {
    events: page.map((event) => eventView(event, attempts)),
    next_cursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}
