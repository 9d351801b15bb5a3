/**
 * The commands a new user runs after `npm install`: the build it ran leaves nothing to rebuild
 * (so `npm start` and `npm run demo` start at once), and the CLI launcher npm linked runs.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

it('rebuilds nothing when no source changed since the last build', () => {
  // --check lists what a build would do without doing it (other tests use the builds meanwhile).
  const result = spawnSync(process.execPath, ['scripts/build.mjs', '--check', '--verbose'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).not.toContain('would be built');
  expect(result.stdout).toContain('@pos/integrations-core is up to date');
});

it('runs pos-integrations through the launcher npm links at install time', () => {
  const result = spawnSync(join(root, 'node_modules/.bin/pos-integrations'), ['--help'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).toContain('Usage: pos-integrations <command> [options]');
});
