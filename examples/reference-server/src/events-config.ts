import { ConfigError, type Env } from './config.js';
import { whole } from './limits-config.js';

/** Webhook delivery of host events (docs/events.md), from the environment. */
export interface EventsConfig {
  /** `POS_EVENTS_URL`: where events are POSTed. */
  url: string;
  /** `POS_EVENTS_SECRET`: signs each POST (`POS-Signature`). Never logged. */
  secret: string;
  /** `POS_EVENTS_INTERVAL_MS`: how often a delivery pass runs (default 5000). */
  intervalMs: number;
  /** `POS_EVENTS_RETRY_BASE_MS`: the pause before the first retry, doubling up to an hour (default 10000). */
  retryBaseMs: number;
  /** `POS_EVENTS_TIMEOUT_MS`: how long one POST may take (default 10000). */
  timeoutMs: number;
}

/**
 * `POS_EVENTS_URL` and `POS_EVENTS_SECRET` together turn delivery on; one without the other is a
 * mistake the server refuses to start with (events would pile up unsent, or go out unsigned).
 */
export function readEvents(env: Env): { events: EventsConfig | undefined } {
  const url = env.POS_EVENTS_URL?.trim() || undefined;
  const secret = env.POS_EVENTS_SECRET?.trim() || undefined;
  if (!url && !secret) return { events: undefined };
  if (!url) {
    throw new ConfigError(
      'POS_EVENTS_SECRET is set but POS_EVENTS_URL is not: set both to deliver events, or neither.',
    );
  }
  if (!secret) {
    throw new ConfigError(
      'POS_EVENTS_URL is set but POS_EVENTS_SECRET is not: every delivery is signed, so set a secret of at least 16 characters (or unset POS_EVENTS_URL).',
    );
  }
  if (secret.length < 16) throw new ConfigError('POS_EVENTS_SECRET must be at least 16 characters.');
  try {
    new URL(url);
  } catch {
    throw new ConfigError('POS_EVENTS_URL must be a URL such as https://pos.example.com/hooks/pos.');
  }
  return {
    events: {
      url,
      secret,
      intervalMs: whole(env, 'POS_EVENTS_INTERVAL_MS', 5000, 100, 3_600_000),
      retryBaseMs: whole(env, 'POS_EVENTS_RETRY_BASE_MS', 10_000, 100, 3_600_000),
      timeoutMs: whole(env, 'POS_EVENTS_TIMEOUT_MS', 10_000, 100, 60_000),
    },
  };
}
