import { IntegrationError } from '../../errors.js';

export type Environment = Record<string, string | undefined>;

/** How a connector's `…FromEnv` reads its variables: trimmed, an empty one counting as unset. */
export interface EnvReader {
  /** The variable, or undefined when unset or blank. */
  optional(name: string): string | undefined;
  /**
   * Every named variable, or `VALIDATION_FAILED` naming the missing ones
   * (`Stripe needs STRIPE_CLIENT_ID and STRIPE_SECRET_KEY to be set.`).
   */
  required<const Name extends string>(names: readonly Name[]): Record<Name, string>;
  /** One of `choices`, `fallback` when unset; `VALIDATION_FAILED` for any other value. */
  choice<const Choice extends string>(name: string, choices: readonly Choice[], fallback: Choice): Choice;
}

/** `A`, `A and B`, `A, B and C`. */
function listed(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** Reads a connector's options from the environment; `provider` names it in errors. */
export function readEnv(provider: string, env: Environment = process.env): EnvReader {
  const optional = (name: string) => env[name]?.trim() || undefined;
  return {
    optional,
    required(names) {
      const missing = names.filter((name) => !optional(name));
      if (missing.length > 0) {
        throw new IntegrationError('VALIDATION_FAILED', `${provider} needs ${listed(missing)} to be set.`);
      }
      return Object.fromEntries(names.map((name) => [name, optional(name)])) as Record<(typeof names)[number], string>;
    },
    choice(name, choices, fallback) {
      const value = optional(name) ?? fallback;
      if (!(choices as readonly string[]).includes(value)) {
        throw new IntegrationError('VALIDATION_FAILED', `${name} must be one of ${choices.join(', ')}.`);
      }
      return value as (typeof choices)[number];
    },
  };
}
