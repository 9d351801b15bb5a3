/** A mistake in the command line: the message, a pointer to --help, and exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * Core's `VALIDATION_FAILED` about values the command line gave (`--currency`), as a usage error
 * that names the options: "--currency must be an ISO 4217 currency code such as USD." Read by
 * shape, so that `--help` does not load core.
 */
export function optionProblem(error: unknown, options: readonly string[]): UsageError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, details } = error as { code?: unknown; details?: { issues?: unknown } };
  if (code !== 'VALIDATION_FAILED' || !Array.isArray(details?.issues) || details.issues.length === 0) return undefined;
  const issues = details.issues as Array<{ field?: unknown; message?: unknown }>;
  const named = issues.every(
    (issue) => typeof issue.field === 'string' && options.includes(issue.field) && typeof issue.message === 'string',
  );
  if (!named) return undefined;
  return new UsageError(`${issues.map((issue) => `--${issue.field} ${issue.message}`).join('; ')}.`);
}
