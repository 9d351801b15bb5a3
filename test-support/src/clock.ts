import type { Clock } from '@pos/integrations-core';

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  #current: Date;

  constructor(start = '2026-03-01T12:00:00.000Z') {
    this.#current = new Date(start);
  }

  now(): Date {
    return new Date(this.#current);
  }

  advance(ms: number): void {
    this.#current = new Date(this.#current.getTime() + ms);
  }

  set(iso: string): void {
    this.#current = new Date(iso);
  }
}

/** Fixed 32-byte keys for tests (base64). */
export const TEST_KEY_A = Buffer.alloc(32, 7).toString('base64');
export const TEST_KEY_B = Buffer.alloc(32, 9).toString('base64');
