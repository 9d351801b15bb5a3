/**
 * Core names no provider: `grep -rniE 'stripe|square|clover|supabase' packages/core/src` may find
 * only comments, tests (the conformance suites shipped as `@pos/integrations-core/testing`) and
 * the CSV format presets, which describe other systems' export files rather than connectors.
 * Capabilities, error codes, account records and webhook rules come from the connectors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const CORE = join(root, 'packages/core/src');
const PROVIDER = /stripe|square|clover|supabase/i;

/** Files that may name providers: the CSV presets and the tests. */
function exempt(path: string): boolean {
  const inCore = relative(CORE, path);
  return inCore.startsWith('batches/presets/') || /\.test\.ts$|conformance/.test(inCore);
}

function sources(): string[] {
  return readdirSync(CORE, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The code of each line with its comments removed: `/* … *\/` blocks (JSDoc included) and `//`
 * comments that start a line or follow whitespace (so `https://` in a string stays code).
 */
function codeLines(text: string): string[] {
  let inBlock = false;
  return text.split('\n').map((line) => {
    let code = '';
    let rest = line;
    while (rest.length > 0) {
      if (inBlock) {
        const end = rest.indexOf('*/');
        if (end === -1) return code;
        inBlock = false;
        rest = rest.slice(end + 2);
        continue;
      }
      const block = rest.search(/(^|\s)\/\*/);
      const lineComment = rest.search(/(^|\s)\/\//);
      if (lineComment !== -1 && (block === -1 || lineComment < block)) return code + rest.slice(0, lineComment);
      if (block === -1) return code + rest;
      code += rest.slice(0, block);
      inBlock = true;
      rest = rest.slice(rest.indexOf('/*', block) + 2);
    }
    return code;
  });
}

describe('packages/core/src names no provider', () => {
  it('reads comments as comments and code as code', () => {
    expect(
      codeLines(
        [
          "/** Stripe's `acct_…` */",
          "const a = 'square'; // Square",
          '/*',
          ' * Clover',
          ' */ const b = 1;',
          "const url = 'https://supabase.example'; /* a URL */",
        ].join('\n'),
      ),
    ).toEqual(['', "const a = 'square';", '', '', ' const b = 1;', "const url = 'https://supabase.example';"]);
  });

  it('outside comments, the CSV presets and the tests', () => {
    const files = sources();
    expect(files.length).toBeGreaterThan(50);
    const named: string[] = [];
    for (const file of files) {
      if (exempt(file)) continue;
      codeLines(readFileSync(file, 'utf8')).forEach((code, index) => {
        if (PROVIDER.test(code)) named.push(`${relative(root, file)}:${index + 1}: ${code.trim()}`);
      });
    }
    expect(
      named,
      `core must not name a provider; let the connector declare it (features, errorCodes, account, checkout.webhook):\n${named.join('\n')}`,
    ).toEqual([]);
  });

  it('while the presets and comments it skips do name them (so the check can fail)', () => {
    const files = sources();
    expect(files.some((file) => exempt(file) && PROVIDER.test(readFileSync(file, 'utf8')))).toBe(true);
    const commented = files.filter((file) => !exempt(file) && PROVIDER.test(readFileSync(file, 'utf8')));
    expect(commented.length).toBeGreaterThan(0);
  });
});
