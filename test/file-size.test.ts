/**
 * The core stays small enough to hold in one's head: a file does one job, and no TypeScript file
 * under `packages/core/src` grows past 400 lines (split it where its jobs divide first).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const CORE = join(root, 'packages/core/src');
const MAX_LINES = 400;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Lines as an editor numbers them: `wc -l`, plus a last line that lacks its newline. */
function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

describe('packages/core/src file sizes', () => {
  const files = sources(CORE);

  it('finds the core sources (the walk reaches nested folders)', () => {
    const names = files.map((file) => relative(CORE, file));
    expect(names).toContain('index.ts');
    expect(names).toContain(join('batches', 'service.ts'));
    expect(names).toContain(join('batches', 'presets', 'index.ts'));
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    const tooLong = files
      .map((file) => ({ file: relative(root, file), lines: lineCount(readFileSync(file, 'utf8')) }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(tooLong).toEqual([]);
  });

  it('counts lines as an editor numbers them', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('one\n')).toBe(1);
    expect(lineCount('one\ntwo')).toBe(2);
    expect(lineCount('one\ntwo\n')).toBe(2);
  });
});
