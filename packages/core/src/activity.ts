import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import { redact } from './crypto/mask.js';
import { IntegrationError } from './errors.js';
import type { Logger } from './logger.js';
import type { IntegrationStorage, JsonObject, LogLevel } from './storage/port.js';

export interface ActivityEntry {
  tenantId: string;
  provider: string;
  level: LogLevel;
  /** `connected`, `connect_failed`, `tested`, `test_failed`, `disconnected`, `summary_failed`, … */
  event: string;
  message: string;
  details?: JsonObject;
  /** Secret values that must not appear in the row or the logger output (they are masked). */
  secrets?: Iterable<string>;
}

export interface LogView {
  id: string;
  timestamp: string;
  level: LogLevel;
  event: string;
  message: string;
  details: JsonObject | null;
}

export interface LogPage {
  logs: LogView[];
  next_cursor: string | null;
}

export interface LogListOptions {
  limit?: number;
  cursor?: string;
  level?: LogLevel;
  event?: string;
}

export const DEFAULT_LOG_PAGE = 50;
export const MAX_LOG_PAGE = 200;
const CURSOR = /^[1-9][0-9]{0,15}$/;

const LOGGER_LEVEL = { info: 'info', warning: 'warn', error: 'error' } as const;

/**
 * The integration log: one row per event a merchant may want to see in the logs drawer, mirrored
 * to the host's logger. Every message and detail passes through secret masking first.
 */
export class ActivityLog {
  readonly #storage: IntegrationStorage;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(storage: IntegrationStorage, clock: Clock, logger: Logger) {
    this.#storage = storage;
    this.#clock = clock;
    this.#logger = logger;
  }

  using(storage: IntegrationStorage): ActivityLog {
    return new ActivityLog(storage, this.#clock, this.#logger);
  }

  async record(entry: ActivityEntry): Promise<void> {
    const secrets = [...(entry.secrets ?? [])];
    const message = redact(entry.message, secrets);
    const details = entry.details ? (JSON.parse(redact(JSON.stringify(entry.details), secrets)) as JsonObject) : null;
    await this.#storage.logs.append({
      id: randomUUID(),
      tenantId: entry.tenantId,
      provider: entry.provider,
      level: entry.level,
      event: entry.event,
      message,
      details,
      createdAt: this.#clock.now().toISOString(),
    });
    this.#logger[LOGGER_LEVEL[entry.level]](
      {
        tenant_id: entry.tenantId,
        provider: entry.provider,
        event: entry.event,
        ...(details ? { details } : {}),
      },
      message,
    );
  }

  async list(tenantId: string, provider: string, options: LogListOptions = {}): Promise<LogPage> {
    const limit = Math.min(Math.max(options.limit ?? DEFAULT_LOG_PAGE, 1), MAX_LOG_PAGE);
    if (options.cursor !== undefined && !CURSOR.test(options.cursor)) {
      throw new IntegrationError('VALIDATION_FAILED', 'The cursor is not one this server issued.');
    }
    const rows = await this.#storage.logs.list({
      tenantId,
      provider,
      limit: limit + 1,
      ...(options.cursor !== undefined ? { beforeSeq: Number(options.cursor) } : {}),
      ...(options.level !== undefined ? { level: options.level } : {}),
      ...(options.event !== undefined ? { event: options.event } : {}),
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      logs: page.map((row) => ({
        id: row.id,
        timestamp: row.createdAt,
        level: row.level,
        event: row.event,
        message: row.message,
        details: row.details,
      })),
      next_cursor: rows.length > limit && last ? String(last.seq) : null,
    };
  }
}
