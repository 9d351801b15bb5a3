import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { redact } from '../crypto/mask.js';
import { IntegrationError } from '../errors.js';
import { discardBody } from '../http/body.js';
import type { OutboundHttp } from '../http/outbound.js';
import type { Logger } from '../logger.js';
import type { DeliveryAttempt, DeliveryOutcome, OutboxEvent } from '../storage/events.js';
import type { IntegrationStorage } from '../storage/port.js';
import { EVENT_SIGNATURE_HEADER, signEventBody } from './signature.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface EventDeliveryOptions {
  /** Where each event is POSTed (https, or http for a host in `outbound.allowedPrivateHosts`). */
  url: string;
  /** Signs every POST (`POS-Signature`); share it with the receiver only. */
  secret: string;
  /** How long one POST may take before it counts as failed (default 10 s). */
  timeoutMs?: number;
  /** The pause before the first retry; each next one doubles, up to an hour (default 10 s). */
  retryBaseMs?: number;
  /** How long after its creation an event is still tried (default 3 days; at least 24 hours). */
  retryForMs?: number;
  /** How many events one pass claims at a time and posts side by side (default 20). */
  batchSize?: number;
  /** How long delivered and given-up events stay in the delivery log (default 30 days). */
  keepForMs?: number;
}

interface DeliveryParts {
  storage: IntegrationStorage;
  outbound: OutboundHttp;
  clock: Clock;
  logger: Logger;
}

/** What one pass did. */
export interface DeliveryReport {
  delivered: number;
  /** Attempts that failed and will be tried again. */
  retried: number;
  /** Events given up on (older than `retryForMs`). */
  failed: number;
}

/**
 * Webhook delivery of the outbox: each pass claims due events (one conditional update per
 * event, so across servers one posts each), POSTs them signed, logs every attempt, and retries
 * failures with doubling pauses until the event is `retryForMs` old. At least once: an event is
 * settled only after its answer, so a crash between the POST and the write sends it again, with
 * the same id and body.
 */
export class EventDelivery {
  readonly #parts: DeliveryParts;
  readonly #url: URL;
  readonly #secret: string;
  readonly #timeoutMs: number;
  readonly #retryBaseMs: number;
  readonly #retryForMs: number;
  readonly #batchSize: number;
  readonly #keepForMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #intervalMs = 0;
  #running: Promise<unknown> | undefined;
  #again = false;
  #stopped = true;
  #lastPrune = 0;

  constructor(parts: DeliveryParts, options: EventDeliveryOptions) {
    this.#parts = parts;
    if (!options.secret || options.secret.length < 16) {
      throw new IntegrationError('VALIDATION_FAILED', 'The events signing secret must be at least 16 characters.');
    }
    this.#url = parts.outbound.check(options.url, 'The events URL');
    this.#secret = options.secret;
    this.#timeoutMs = positive(options.timeoutMs, 10_000, 'timeoutMs');
    this.#retryBaseMs = positive(options.retryBaseMs, 10_000, 'retryBaseMs');
    this.#retryForMs = positive(options.retryForMs, 3 * DAY, 'retryForMs');
    if (this.#retryForMs < DAY) {
      throw new IntegrationError('VALIDATION_FAILED', 'Events must be retried for at least 24 hours (retryForMs).');
    }
    this.#batchSize = positive(options.batchSize, 20, 'batchSize');
    this.#keepForMs = positive(options.keepForMs, 30 * DAY, 'keepForMs');
  }

  /** The events URL's origin, for the operator (never its path or query, which may hold a token). */
  get origin(): string {
    return this.#url.origin;
  }

  /** Delivers every due event, claim after claim, until none is left. */
  async deliverDue(): Promise<DeliveryReport> {
    const report: DeliveryReport = { delivered: 0, retried: 0, failed: 0 };
    for (;;) {
      const now = this.#parts.clock.now();
      const token = randomUUID();
      const claimed = await this.#parts.storage.eventOutbox.claimDue({
        token,
        now: now.toISOString(),
        // Posts run side by side: the claim outlasts the slowest by a margin.
        until: new Date(now.getTime() + this.#timeoutMs + 30_000).toISOString(),
        limit: this.#batchSize,
      });
      const outcomes = await Promise.all(claimed.map((event) => this.#deliver(event, token)));
      for (const outcome of outcomes) {
        if (outcome === 'delivered') report.delivered += 1;
        else if (outcome === 'failed') report.failed += 1;
        else if (outcome === 'pending') report.retried += 1;
      }
      if (claimed.length < this.#batchSize || this.#stopped) break;
    }
    await this.#prune();
    return report;
  }

  /** Runs a pass every `intervalMs` (and soon after `kick`), one at a time in this process. */
  start(intervalMs: number): void {
    this.#stopped = false;
    this.#intervalMs = intervalMs;
    this.#schedule(intervalMs);
  }

  /** Asks for a pass soon (an event was just committed); nothing when not started. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) this.#again = true;
    else this.#schedule(0);
  }

  /** Stops the schedule and waits for a running pass. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(delayMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.deliverDue()
        .catch((error: unknown) => {
          this.#parts.logger.error(
            { error: redact(error instanceof Error ? error.message : String(error), [this.#secret]) },
            'Event delivery pass failed',
          );
        })
        .finally(() => {
          this.#running = undefined;
          if (this.#stopped) return;
          const again = this.#again;
          this.#again = false;
          this.#schedule(again ? 0 : this.#intervalMs);
        });
    }, delayMs);
    this.#timer.unref?.();
  }

  async #deliver(event: OutboxEvent, token: string): Promise<DeliveryOutcome['status'] | 'lost'> {
    const startedAt = this.#parts.clock.now();
    const started = performance.now();
    const sent = await this.#post(event);
    const attempt: DeliveryAttempt = {
      eventId: event.id,
      attempt: event.attempts + 1,
      attemptedAt: startedAt.toISOString(),
      statusCode: sent.statusCode,
      error: sent.error === null ? null : redact(sent.error, [this.#secret]),
      durationMs: Math.round(performance.now() - started),
    };
    const outcome = this.#outcome(event, attempt, sent.error === null);
    const settled = await this.#parts.storage.eventOutbox.settle(event.id, token, attempt, outcome);
    if (!settled) return 'lost';
    if (outcome.status === 'failed') {
      this.#parts.logger.error(
        { event_id: event.id, event_type: event.type, tenant_id: event.tenantId, attempts: attempt.attempt },
        'Gave up delivering an event',
      );
    }
    return outcome.status;
  }

  #outcome(event: OutboxEvent, attempt: DeliveryAttempt, ok: boolean): DeliveryOutcome {
    if (ok) return { status: 'delivered' };
    const now = this.#parts.clock.now().getTime();
    const pause = Math.min(this.#retryBaseMs * 2 ** Math.min(attempt.attempt - 1, 30), HOUR);
    const giveUpAt = Date.parse(event.createdAt) + this.#retryForMs;
    if (now >= giveUpAt) return { status: 'failed' };
    // The last try falls at the end of the window, not an hour past it.
    return { status: 'pending', nextAttemptAt: new Date(Math.min(now + pause, giveUpAt)).toISOString() };
  }

  async #post(event: OutboxEvent): Promise<{ statusCode: number | null; error: string | null }> {
    const t = Math.floor(this.#parts.clock.now().getTime() / 1000);
    let response: Response;
    try {
      response = await this.#parts.outbound.fetch(this.#url, {
        subject: 'The events URL',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'pos-integrations-events/1',
          [EVENT_SIGNATURE_HEADER]: signEventBody(this.#secret, event.body, t),
          'POS-Event-Id': event.id,
          'POS-Event-Type': event.type,
        },
        body: event.body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      return { statusCode: null, error: describeFailure(error, this.#timeoutMs) };
    }
    await discardBody(response);
    if (response.ok) return { statusCode: response.status, error: null };
    return { statusCode: response.status, error: `The events URL answered HTTP ${response.status}.` };
  }

  async #prune(): Promise<void> {
    const now = this.#parts.clock.now().getTime();
    if (now - this.#lastPrune < HOUR) return;
    this.#lastPrune = now;
    await this.#parts.storage.eventOutbox.prune(new Date(now - this.#keepForMs).toISOString());
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new IntegrationError('VALIDATION_FAILED', `Event delivery option ${name} must be a positive number.`);
  }
  return value;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof IntegrationError) return error.message;
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `The events URL did not answer within ${Math.round(timeoutMs / 100) / 10} s.`;
  }
  let cause: unknown = error;
  for (let depth = 0; cause && depth < 4; depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return `Could not reach the events URL (${code}).`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return 'Could not reach the events URL.';
}
