import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerReply, WorkerRequest } from './worker.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../tsconfig.json', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface NodeProcessOptions {
  args?: string[];
  /** Added to a minimal environment (PATH only), so nothing of the test runner's leaks in. */
  env?: Record<string, string>;
  /** Defaults to the repository root. */
  cwd?: string;
  /** Run a TypeScript file with tsx, importing workspace packages from their sources. */
  typescript?: boolean;
  /** Open an IPC channel to the child (what {@link startWorker} uses). */
  ipc?: boolean;
}

/** A real Node.js child process whose output the test can read and wait on. */
export interface NodeProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** The first match of `pattern` in the output; rejects if the process exits or time runs out first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code (null after a signal) once the process has ended. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not ended after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export function spawnNode(script: string, options: NodeProcessOptions = {}): NodeProcess {
  const execArgs = options.typescript ? ['--import', TSX_LOADER] : [];
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...options.env };
  if (options.typescript) env.TSX_TSCONFIG_PATH ??= TSCONFIG;
  const child = spawn(process.execPath, [...execArgs, script, ...(options.args ?? [])], {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    // Structured clone over IPC, so `undefined` and dates survive a worker's answer.
    ...(options.ipc ? { serialization: 'advanced' as const } : {}),
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const listener of listeners) listener();
  });

  return {
    child,
    output: () => output,
    exited,
    waitForOutput(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) done(() => resolve(match));
          else if (ended) done(() => reject(new Error(`${script} exited before printing ${pattern}:\n${output}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`${script} did not print ${pattern} in ${timeoutMs} ms:\n${output}`))),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(graceMs = 5_000) {
      if (ended) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A child process serving methods over IPC (see `serveWorker` in `@pos/test-support/worker`). */
export interface Worker {
  readonly process: NodeProcess;
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  /**
   * Like `call`, but the worker starts it at wall-clock time `at` (ms since the epoch): give
   * several workers the same `at` and their calls race for real instead of one after the other.
   */
  callAt<T = unknown>(at: number, method: string, ...args: unknown[]): Promise<T>;
  /** Closes the IPC channel; the worker runs its `close` method and exits. Resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `script` (TypeScript, run with tsx) as a worker process and waits until it serves.
 * Each worker is its own process with its own connections: what two workers do concurrently
 * is what two server instances would do.
 */
export async function startWorker(
  script: string,
  options: Omit<NodeProcessOptions, 'ipc' | 'typescript'> = {},
): Promise<Worker> {
  const child = spawnNode(script, { ...options, ipc: true, typescript: true });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const ready = new Promise<void>((resolve, reject) => {
    child.child.on('message', (message: WorkerReply) => {
      if ('ready' in message) return resolve();
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      if ('error' in message) call.reject(new Error(message.error));
      else call.resolve(message.result);
    });
    void child.exited.then((code) => {
      const error = new Error(`worker ${script} exited (${code}):\n${child.output()}`);
      reject(error);
      for (const call of pending.values()) call.reject(error);
      pending.clear();
    });
  });
  await ready;
  const send = <T>(request: Omit<WorkerRequest, 'id'>) => {
    nextId += 1;
    const id = nextId;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.child.send({ ...request, id } satisfies WorkerRequest);
    });
  };
  return {
    process: child,
    call: (method, ...args) => send({ method, args }),
    callAt: (at, method, ...args) => send({ method, args, at }),
    async stop() {
      if (child.child.connected) child.child.disconnect();
      const timer = setTimeout(() => child.child.kill('SIGKILL'), 10_000);
      const code = await child.exited;
      clearTimeout(timer);
      return code;
    },
  };
}
