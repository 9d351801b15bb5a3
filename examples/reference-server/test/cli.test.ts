import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const main = new URL('../dist/main.js', import.meta.url).pathname;
let dir: string;
beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm test does).`);
  dir = mkdtempSync(join(tmpdir(), 'pos-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [main, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the reference server command', () => {
  it('refuses real mode without POS_ENCRYPTION_KEY and explains how to make one', async () => {
    const { child, output } = run([], { POS_API_KEYS: 'store-1:0123456789abcdef0123' });
    expect(await exitCode(child)).toBe(1);
    expect(output()).toContain('POS_ENCRYPTION_KEY is required');
    expect(output()).toContain('randomBytes(32)');
  });

  it('starts demo mode loudly, with a URL and the demo key, and data under ./data', async () => {
    const { child, output } = run(['--demo'], { PORT: '0' });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed:\n${output()}`)), 15_000);
        child.stdout?.on('data', () => {
          const match = /URL\s+(http:\/\/\S+)/.exec(output());
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      expect(output()).toContain('DEMO MODE');
      expect(output()).toContain('SIMULATED');
      expect(output()).toContain('pos_demo_key_not_for_production');
      expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ mode: 'demo' });
      expect(existsSync(join(dir, 'data', 'pos.db'))).toBe(true);
      expect(existsSync(join(dir, 'data', 'demo-encryption.key'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
      expect(await exitCode(child)).toBe(0);
    }
  });
});
