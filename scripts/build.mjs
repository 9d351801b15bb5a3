// Builds every workspace that has a build script, dependencies first, so a
// package's d.ts build always finds the declarations of the packages it imports.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const workspaces = rootManifest.workspaces.map((dir) => {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const deps = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies };
  return { dir, name: manifest.name, deps: Object.keys(deps), hasBuild: Boolean(manifest.scripts?.build) };
});
const byName = new Map(workspaces.map((w) => [w.name, w]));

const ordered = [];
const seen = new Set();
function visit(workspace, path = []) {
  if (seen.has(workspace.name)) return;
  if (path.includes(workspace.name)) throw new Error(`Workspace cycle: ${[...path, workspace.name].join(' -> ')}`);
  for (const dep of workspace.deps) {
    const inner = byName.get(dep);
    if (inner) visit(inner, [...path, workspace.name]);
  }
  seen.add(workspace.name);
  ordered.push(workspace);
}
for (const workspace of workspaces) visit(workspace);

const verbose = process.argv.includes('--verbose');
for (const workspace of ordered.filter((w) => w.hasBuild)) {
  const started = Date.now();
  process.stdout.write(`building ${workspace.name} … `);
  // Each build's report is shown with --verbose, or when the build fails.
  const result = spawnSync('npm', ['run', 'build', '--silent', '-w', workspace.name], { cwd: root, encoding: 'utf8' });
  if (verbose || result.status !== 0) process.stdout.write(`\n${result.stdout}${result.stderr}`);
  if (result.status !== 0) {
    process.stderr.write(`\nbuilding ${workspace.name} failed\n`);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(`${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}
