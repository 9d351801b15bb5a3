import { maskSecret } from './mask.js';

const inspect = Symbol.for('nodejs.util.inspect.custom');

/**
 * Holds a secret value so that logging, string interpolation, JSON serialisation and
 * `util.inspect` only ever show its masked form. Call {@link Secret.reveal} at the one place
 * the value must go over the wire.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get masked(): string {
    return maskSecret(this.#value);
  }

  toString(): string {
    return this.masked;
  }

  toJSON(): string {
    return this.masked;
  }

  [inspect](): string {
    return `Secret(${this.masked})`;
  }
}
