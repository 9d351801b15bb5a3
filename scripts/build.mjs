// Builds every workspace that has a build script, dependencies first, so a
// package's d.ts build always finds the declarations of the packages it imports.
// A workspace whose `dist` is newer than all of its sources and than its workspace dependencies'
// builds is skipped (`--force` builds everything), so `npm start` and `npm run demo` start at once
// when nothing changed. `--check` only lists what would be built.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root, workspacesInDependencyOrder } from './workspaces.mjs';

const verbose = process.argv.includes('--verbose');
const force = process.argv.includes('--force');
const check = process.argv.includes('--check');

/** Not sources: build outputs, API reports (written from the build), installed packages and the tests (not built). */
const NOT_SOURCES = new Set([
  'dist',
  'api',
  'node_modules',
  'test',
  'data',
  'coverage',
  'custom-elements.json',
  'README.md',
  'CHANGELOG.md',
]);

/** The newest and oldest modification times of the files under `dir`, skipping `skip` at its top. */
function times(dir, skip = new Set()) {
  let newest = 0;
  let oldest = Number.POSITIVE_INFINITY;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = times(path);
      newest = Math.max(newest, inner.newest);
      oldest = Math.min(oldest, inner.oldest);
    } else if (entry.isFile()) {
      const { mtimeMs } = statSync(path);
      newest = Math.max(newest, mtimeMs);
      oldest = Math.min(oldest, mtimeMs);
    }
  }
  return { newest, oldest };
}

const workspaces = workspacesInDependencyOrder().filter((w) => w.manifest.scripts?.build);
const byName = new Map(workspaces.map((w) => [w.name, w]));
/** When each workspace's build finished (its oldest output), for the workspaces that depend on it. */
const builtAt = new Map();

for (const workspace of workspaces) {
  const dir = join(root, workspace.dir);
  const dist = join(dir, 'dist');
  const dependencies = workspace.deps.filter((name) => byName.has(name)).map((name) => builtAt.get(name) ?? 0);
  const inputs = Math.max(times(dir, NOT_SOURCES).newest, ...dependencies);
  const output = existsSync(dist) ? times(dist).oldest : 0;
  if (!force && output > inputs) {
    builtAt.set(workspace.name, output);
    if (verbose) process.stdout.write(`${workspace.name} is up to date\n`);
    continue;
  }
  if (check) {
    process.stdout.write(`${workspace.name} would be built\n`);
    builtAt.set(workspace.name, Date.now());
    continue;
  }
  const started = Date.now();
  process.stdout.write(`building ${workspace.name} … `);
  // Each build's report is shown with --verbose, or when the build fails.
  const result = spawnSync('npm', ['run', 'build', '--silent', '-w', workspace.name], { cwd: root, encoding: 'utf8' });
  if (verbose || result.status !== 0) process.stdout.write(`\n${result.stdout}${result.stderr}`);
  if (result.status !== 0) {
    process.stderr.write(`\nbuilding ${workspace.name} failed\n`);
    process.exit(result.status ?? 1);
  }
  builtAt.set(workspace.name, existsSync(dist) ? times(dist).oldest : Date.now());
  process.stdout.write(`${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}
