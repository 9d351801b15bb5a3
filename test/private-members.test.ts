/**
 * Private state is written one way: JavaScript's `#name`, which stays private at run time too.
 * TypeScript's `private` is left only where a decorator must see the member by name (Lit's
 * `@state()` and `@query()` accessors); `protected` marks what subclasses override.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const ROOTS = ['packages', 'examples', 'test-support', 'test'];
const SKIP = new Set(['node_modules', 'dist', 'api']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `private` used as a modifier, on its own line or as a constructor parameter property. */
const MODIFIER = /^\s*((?:@\w+\([^)]*\)\s+)*)private\s+[#\w]|constructor\([^)]*\bprivate\s/;

function offences(text: string): number[] {
  return text.split('\n').flatMap((line, i) => {
    const match = MODIFIER.exec(line);
    if (!match) return [];
    const decorated = (match[1] ?? '').trim() !== '';
    return decorated ? [] : [i + 1];
  });
}

describe('private members', () => {
  // This file's own examples above would count.
  const files = ROOTS.flatMap((dir) => sources(join(root, dir))).filter(
    (file) => file !== new URL(import.meta.url).pathname,
  );

  it('recognises the TypeScript modifier and lets a decorated accessor keep it', () => {
    expect(offences('  private readonly db: Kysely<Db>;')).toEqual([1]);
    expect(offences('  constructor(private readonly db: Kysely<Db>) {}')).toEqual([1]);
    expect(offences('  @state() private accessor busy = false;')).toEqual([]);
    expect(offences('  readonly #db: Kysely<Db>;\n  // a private address')).toEqual([]);
  });

  it('uses #names for private state everywhere else', () => {
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((file) =>
      offences(readFileSync(file, 'utf8')).map((line) => `${relative(root, file)}:${line}`),
    );
    expect(found).toEqual([]);
  });
});
