import { type IntegrationLog, type LogLevel, PosApiClient } from '../api-client.js';
import { formatTimestamp, strings } from '../strings.js';
import './event-log.strings.js';

/** One POST of an event to the host's URL, from `GET /api/integrations/events/logs`. */
export interface EventDeliveryAttempt {
  attempt: number;
  attempted_at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** An event and where its webhook delivery stands. */
export interface EventDelivery {
  event_id: string;
  type: string;
  created_at: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  delivered_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  deliveries: EventDeliveryAttempt[];
}

export interface EventDeliveryPage {
  events: EventDelivery[];
  next_cursor: string | null;
}

/** The drawer's client when it shows the event delivery log. */
export class EventLogClient extends PosApiClient {
  eventLogs(query: { limit?: number; cursor?: string } = {}): Promise<EventDeliveryPage> {
    return this.call('GET', ['integrations', 'events', 'logs'], { query: { ...query } });
  }
}

const LEVEL: Record<EventDelivery['status'], LogLevel> = { delivered: 'info', pending: 'warning', failed: 'error' };

/** An event as a log entry: its type, where its delivery stands in words, and each attempt in the details. */
export function eventLogEntry(event: EventDelivery): IntegrationLog {
  const error = event.last_error ?? '';
  let message: string;
  if (event.status === 'delivered') message = strings.eventDelivered(event.attempts, event.last_status_code);
  else if (event.status === 'failed') message = strings.eventGaveUp(event.attempts, error);
  else if (event.attempts === 0) message = strings.eventWaiting;
  else message = strings.eventRetrying(event.attempts, error, formatTimestamp(event.next_attempt_at ?? ''));
  return {
    id: event.event_id,
    timestamp: event.created_at,
    level: LEVEL[event.status],
    event: event.type,
    message,
    details: { event_id: event.event_id, status: event.status, deliveries: event.deliveries },
  };
}
