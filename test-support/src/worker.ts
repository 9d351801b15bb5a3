/**
 * The child side of `startWorker`: a script calls `serveWorker({ method(...args) {…} })` and the
 * test calls those methods over IPC. Kept apart from the rest of the test support so a worker
 * process loads neither vitest nor msw.
 */

export interface WorkerRequest {
  id: number;
  method: string;
  args: unknown[];
  /** Wall-clock time (ms since the epoch) to start the call at, so several workers start together. */
  at?: number;
}

export type WorkerReply = { ready: true } | { id: number; result: unknown } | { id: number; error: string };

// biome-ignore lint/suspicious/noExplicitAny: methods take whatever the test sends them.
export type WorkerMethods = Record<string, (...args: any[]) => unknown> & { close?: () => unknown };

export function serveWorker(methods: WorkerMethods): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('serveWorker runs in a process started by startWorker (it needs an IPC channel).');
  process.on('message', async (request: WorkerRequest) => {
    const method = methods[request.method];
    try {
      if (!method) throw new Error(`The worker has no method "${request.method}".`);
      const wait = (request.at ?? 0) - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      send({ id: request.id, result: await method(...request.args) } satisfies WorkerReply);
    } catch (error) {
      send({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply);
    }
  });
  process.once('disconnect', async () => {
    try {
      await methods.close?.();
      process.exit(0);
    } catch {
      process.exit(1);
    }
  });
  send({ ready: true } satisfies WorkerReply);
}
