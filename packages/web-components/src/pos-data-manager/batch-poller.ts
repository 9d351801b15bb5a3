import { isRunning } from './batch-format.js';
import type { DataBatch, DataManagerClient } from './data-manager-client.js';

/** What the poller needs of the Data Manager it belongs to. */
export interface PollSteps {
  /** Milliseconds between two polls. */
  interval(): number;
  /** The listed batches; the running ones are asked for. */
  batches(): readonly DataBatch[];
  client(): DataManagerClient;
  /** Whether the element is on the page (a detached one stops polling). */
  connected(): boolean;
  /** Lists a batch as the server described it. */
  put(batch: DataBatch): void;
  /** A batch that was running has completed or failed. */
  finished(batch: DataBatch): void;
  /** A running batch moved on. */
  progressed(batch: DataBatch): void;
}

/**
 * Asks the server for each running batch's progress, again and again until none runs. Composed
 * into `<pos-data-manager>`.
 */
export class BatchPoller {
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #steps: PollSteps;

  constructor(steps: PollSteps) {
    this.#steps = steps;
  }

  /** Polls after the interval, unless a poll is already due or nothing runs. */
  schedule(): void {
    if (this.#timer !== undefined || !this.#steps.connected() || !this.#steps.batches().some(isRunning)) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#poll();
    }, this.#steps.interval());
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #poll(): Promise<void> {
    const api = this.#steps.client();
    const answers = await Promise.all(
      this.#steps
        .batches()
        .filter(isRunning)
        .map((before) =>
          api.batch(before.id).then(
            (fresh) => ({ before, fresh }),
            () => undefined, // a missed poll is retried at the next one
          ),
        ),
    );
    for (const answer of answers) {
      if (!answer) continue;
      const { before, fresh } = answer;
      this.#steps.put(fresh);
      if (!isRunning(fresh)) this.#steps.finished(fresh);
      else if (fresh.processed_count !== before.processed_count || fresh.bytes_read !== before.bytes_read) {
        this.#steps.progressed(fresh);
      }
    }
    this.schedule();
  }
}
