// Builds every workspace that has a build script, dependencies first, so a
// package's d.ts build always finds the declarations of the packages it imports.
import { spawnSync } from 'node:child_process';
import { root, workspacesInDependencyOrder } from './workspaces.mjs';

const verbose = process.argv.includes('--verbose');
for (const workspace of workspacesInDependencyOrder().filter((w) => w.manifest.scripts?.build)) {
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
