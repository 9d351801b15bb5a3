import type { Logger } from './logger.js';

/**
 * Runs a pass every `intervalMs`, each one `intervalMs` after the previous one finished, until
 * {@link stop}. A pass that throws is logged and the next one runs as planned. The timer does not
 * keep the process alive.
 */
export class PeriodicPass {
  readonly #logger: Logger;
  /** Named in the log line of a failed pass, e.g. "sync". */
  readonly #what: string;
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<unknown> | undefined;

  constructor(logger: Logger, what: string) {
    this.#logger = logger;
    this.#what = what;
  }

  start(intervalMs: number, pass: () => Promise<unknown>): void {
    if (this.#timer) return;
    const schedule = () => {
      this.#timer = setTimeout(() => {
        this.#pass = pass()
          .catch((error: unknown) => {
            this.#logger.error(
              { error: error instanceof Error ? error.message : String(error) },
              `The periodic ${this.#what} pass failed`,
            );
          })
          .finally(() => {
            this.#pass = undefined;
            if (this.#timer) schedule();
          });
      }, intervalMs);
      this.#timer.unref();
    };
    schedule();
  }

  /** No further pass starts; resolves once the running one (if any) is over. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#pass;
  }
}
