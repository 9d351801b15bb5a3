/**
 * `.env.example` lists every variable the reference server reads, and only those: the ones its
 * own sources read (`env.NAME`, `whole(env, 'NAME', …)`) and the `STRIPE_*` / `CLOVER_*` /
 * `QUICKBOOKS_*` ones it hands to `stripeFromEnv`, `cloverFromEnv` and `quickbooksFromEnv`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'));
}

const names = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((match) => match[1] as string);

/** What the server's code reads, by name. */
function readByCode(): Set<string> {
  const server = sources(join(root, 'examples/reference-server/src')).join('\n');
  const read = [...names(server, /\benv\.([A-Z][A-Z0-9_]+)/gi), ...names(server, /\benv,\s*'([A-Z][A-Z0-9_]+)'/g)];
  // The reference server passes every STRIPE_*, CLOVER_* and QUICKBOOKS_* variable to the connectors' own readers.
  expect(server).toContain('stripeFromEnv(');
  expect(server).toContain('cloverFromEnv(');
  expect(server).toContain('quickbooksFromEnv(');
  for (const file of [
    'packages/connectors/stripe/src/stripe.ts',
    'packages/connectors/clover/src/clover.ts',
    'packages/connectors/quickbooks/src/quickbooks.ts',
  ]) {
    const text = readFileSync(join(root, file), 'utf8');
    // `read('NAME')`, `read.optional('NAME')`, `read.choice('NAME', …)` and the required lists.
    read.push(...names(text, /\bread(?:\.\w+)?\('([A-Z][A-Z0-9_]+)'/g));
    for (const list of names(text, /_REQUIRED_ENV = \[([^\]]+)\]/g)) read.push(...names(list, /'([A-Z][A-Z0-9_]+)'/g));
  }
  return new Set(read.filter((name) => name === name.toUpperCase()));
}

/** `NAME=…` and `# NAME=…` lines. */
function listed(): Set<string> {
  const text = readFileSync(join(root, '.env.example'), 'utf8');
  return new Set(names(text, /^#? ?([A-Z][A-Z0-9_]+)=/gm));
}

describe('.env.example', () => {
  it('lists every variable the reference server reads, and nothing else', () => {
    const code = readByCode();
    const example = listed();
    expect(code.size).toBeGreaterThan(40);
    expect(code).toContain('LOG_LEVEL');
    expect(code).toContain('POS_MAX_OAUTH_STATES_PER_TENANT');
    expect(code).toContain('STRIPE_WEBHOOK_SECRET');
    const missing = [...code].filter((name) => !example.has(name)).sort();
    const unread = [...example].filter((name) => !code.has(name)).sort();
    expect(missing, `read by the server but missing from .env.example: ${missing.join(', ')}`).toEqual([]);
    expect(unread, `in .env.example but read nowhere: ${unread.join(', ')}`).toEqual([]);
  });
});
