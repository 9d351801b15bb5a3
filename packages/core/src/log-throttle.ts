import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

export interface LogThrottleOptions {
  logger: Logger;
  clock: Clock;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  /** At most one line per this many milliseconds on the clock (default 60 000). */
  intervalMs?: number;
  /** A field whose values are counted separately in the line's `by_<field>` (e.g. `reason`). */
  countBy?: string;
}

export const DEFAULT_LOG_INTERVAL_MS = 60_000;

/**
 * One log line per interval for an event that anyone can make happen over and over (a rejected
 * anonymous request), so it cannot flood the host's logs. The first occurrence is written at
 * once; the ones after it within the interval are counted, and the next line (written by the
 * first occurrence after the interval) carries `count`: how many happened since the previous
 * line, itself included, and `since`: when the first of them happened. Each line's other fields
 * are those of the occurrence that wrote it.
 */
export class LogThrottle {
  readonly #options: LogThrottleOptions;
  readonly #intervalMs: number;
  #lastLineAt = Number.NEGATIVE_INFINITY;
  #count = 0;
  #since: Date | undefined;
  #by: Record<string, number> = {};

  constructor(options: LogThrottleOptions) {
    this.#options = options;
    this.#intervalMs = options.intervalMs ?? DEFAULT_LOG_INTERVAL_MS;
  }

  /** Counts one occurrence, and writes the line when the interval since the last one is over. */
  record(fields: Record<string, unknown> = {}): void {
    const now = this.#options.clock.now();
    this.#count += 1;
    this.#since ??= now;
    const { countBy } = this.#options;
    if (countBy !== undefined) {
      const key = String(fields[countBy] ?? 'unknown');
      this.#by[key] = (this.#by[key] ?? 0) + 1;
    }
    if (now.getTime() - this.#lastLineAt < this.#intervalMs) return;
    this.#lastLineAt = now.getTime();
    this.#options.logger[this.#options.level](
      {
        ...fields,
        count: this.#count,
        since: this.#since.toISOString(),
        ...(countBy !== undefined ? { [`by_${countBy}`]: this.#by } : {}),
      },
      this.#options.message,
    );
    this.#count = 0;
    this.#since = undefined;
    this.#by = {};
  }
}
