import type { Clock } from '../clock.js';
import { rateLimited } from './rate-limited.js';
import { TokenBuckets } from './token-buckets.js';

/** How many checkout session requests each tenant may make per minute, on the injected clock. */
export class CheckoutRate {
  readonly #perMinute: number;
  readonly #buckets: TokenBuckets;

  constructor(perMinute: number, clock: Clock) {
    this.#perMinute = perMinute;
    this.#buckets = new TokenBuckets({ capacity: perMinute, windowMs: 60_000, clock });
  }

  /** Counts one request of the tenant; throws `RATE_LIMITED` (429, with `retryAfter`) over the rate. */
  spend(tenantId: string): void {
    const wait = this.#buckets.take(tenantId);
    if (wait === undefined) return;
    throw rateLimited(
      `This account asked for checkout sessions more than ${this.#perMinute} times in a minute: try again shortly.`,
      wait,
      { limit: 'checkouts_per_minute', max: this.#perMinute },
    );
  }
}
