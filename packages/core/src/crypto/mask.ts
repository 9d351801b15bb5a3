/**
 * Masked forms are the only way a secret is ever shown: `sq0atp-...9f2c`, `acct_...1234`.
 * A recognisable prefix (the key kind, never random material) and the last four characters
 * tell an operator which credential is stored without giving any of it away.
 */

const MIN_LENGTH_TO_SHOW_TAIL = 12;
// One or two short word-like segments ending in `_` or `-`: `sk_test_`, `sq0atp-`, `sb_secret_`.
const PREFIX = /^(?:[A-Za-z][A-Za-z0-9]{1,5}[_-]){1,2}/;

export function maskSecret(value: string): string {
  if (value.length < MIN_LENGTH_TO_SHOW_TAIL) return '****';
  const tail = value.slice(-4);
  const prefix = PREFIX.exec(value)?.[0] ?? '';
  // Only keep the prefix when most of the value stays hidden.
  const keep = prefix.length + 4 <= value.length / 2 ? prefix : '';
  return `${keep}...${tail}`;
}

/** Identifiers are not secret but are still shown shortened in summaries (`acct_...1234`). */
export const maskIdentifier = maskSecret;

/**
 * Replaces every occurrence of the given secret values in a text with their masked form.
 * Used on provider error messages before they reach a log row, a logger or a response.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    result = result.split(secret).join(maskSecret(secret));
  }
  return result;
}
