function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` again while it fails with SQLITE_BUSY, 2, 4, … 100 ms apart, for up to `timeoutMs`;
 * then throws `timedOut()` (or the last error). For the locks SQLite will not wait for itself:
 * one this process's event loop must stay free to release, or one whose wait could deadlock.
 */
export async function retryWhileBusy<T>(
  work: () => T | Promise<T>,
  timeoutMs: number,
  timedOut?: () => Error,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
    try {
      return await work();
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (Date.now() >= deadline) throw timedOut?.() ?? error;
      await sleep(wait);
    }
  }
}
