import type { Clock } from '../clock.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept before full ones (which equal no bucket at all) are swept away. */
const SWEEP_ABOVE = 1024;

/**
 * A token bucket per key on the injected clock: `capacity` tokens, refilled evenly over
 * `windowMs`. {@link take} spends one token, or says how long until one is back.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #capacity: number;
  readonly #msPerToken: number;
  readonly #clock: Clock;

  constructor(options: { capacity: number; windowMs: number; clock: Clock }) {
    this.#capacity = options.capacity;
    this.#msPerToken = options.windowMs / options.capacity;
    this.#clock = options.clock;
  }

  /** Spends a token of `key`'s bucket; returns undefined when it had one, else the seconds until it has. */
  take(key: string): number | undefined {
    const now = this.#clock.now().getTime();
    const bucket = this.#refilled(this.#buckets.get(key), now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      if (!this.#buckets.has(key) && this.#buckets.size >= SWEEP_ABOVE) this.#sweep(now);
      this.#buckets.set(key, bucket);
      return undefined;
    }
    this.#buckets.set(key, bucket);
    return ((1 - bucket.tokens) * this.#msPerToken) / 1000;
  }

  #refilled(bucket: Bucket | undefined, now: number): Bucket {
    if (!bucket) return { tokens: this.#capacity, at: now };
    const earned = Math.max(0, now - bucket.at) / this.#msPerToken;
    return { tokens: Math.min(this.#capacity, bucket.tokens + earned), at: Math.max(bucket.at, now) };
  }

  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (this.#refilled(bucket, now).tokens >= this.#capacity) this.#buckets.delete(key);
    }
  }
}
