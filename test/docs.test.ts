/**
 * The documentation points at things that exist: every relative link and image resolves, every
 * `#anchor` names a heading of its target, and every environment variable the guides tell an
 * operator to set is one the code reads.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const SKIP = new Set(['node_modules', 'dist', '.git', 'data', '.changeset']);

function files(dir: string, suffix: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...files(path, suffix));
    else if (entry.name.endsWith(suffix) && entry.name !== 'CHANGELOG.md') found.push(path);
  }
  return found;
}

const markdown = files(root, '.md');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = (heading as string)
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

describe('links in the documentation', () => {
  it('resolve to files and headings that exist', () => {
    expect(markdown.length).toBeGreaterThan(10);
    const broken: string[] = [];
    for (const file of markdown) {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target as string)) continue; // https:, mailto:
        const [path = '', anchor] = (target as string).split('#');
        const resolved = path === '' ? file : join(dirname(file), decodeURIComponent(path));
        const where = `${relative(root, file)} → ${target}`;
        if (!existsSync(resolved)) {
          broken.push(`${where} (no such file)`);
        } else if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) {
          broken.push(`${where} (no heading #${anchor})`);
        } else if (anchor && statSync(resolved).isDirectory()) {
          broken.push(`${where} (an anchor into a folder)`);
        }
      }
    }
    expect(broken, `broken links:\n${broken.join('\n')}`).toEqual([]);
  });
});

describe('environment variables in the guides', () => {
  const code = [
    ...files(join(root, 'packages'), '.ts').filter((file) => !file.includes('/test/')),
    ...files(join(root, 'examples/reference-server/src'), '.ts'),
  ]
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const guides = [
    'README.md',
    'docs/operations.md',
    'docs/payments.md',
    'docs/security.md',
    'examples/reference-server/README.md',
    ...readdirSync(join(root, 'docs/integrations')).map((name) => `docs/integrations/${name}`),
  ];

  it('are read by the code under the names the guides give', () => {
    const unknown: string[] = [];
    for (const guide of guides) {
      const text = readFileSync(join(root, guide), 'utf8');
      const names = new Set(
        [...text.matchAll(/`((?:POS|STRIPE|CLOVER|SQUARE|SUPABASE)_[A-Z0-9_]+|DATABASE_URL)(?:=[^`]*)?`/g)].map(
          (match) => match[1] as string,
        ),
      );
      for (const name of names) {
        if (!new RegExp(`env\\.${name}\\b|['"]${name}['"]`).test(code)) unknown.push(`${guide}: ${name}`);
      }
    }
    expect(unknown, `named in a guide but read nowhere in the code:\n${unknown.join('\n')}`).toEqual([]);
  });
});
