// npm run release: version the packages from the pending changesets, build, and publish every
// package to npm, dependencies first. Versions already on the registry are skipped, so a release
// that stopped halfway can be run again.
//
//   npm run release -- --dry-run      # what would be released; `npm publish --dry-run` for each
//                                     # package; changes no file and publishes nothing
//   npm run release -- --skip-build   # use the build that is there (CI builds before)
import { spawnSync } from 'node:child_process';
import getReleasePlanModule from '@changesets/get-release-plan';
import { publishedWorkspaces, root } from './workspaces.mjs';

const dryRun = process.argv.includes('--dry-run');
const skipBuild = process.argv.includes('--skip-build');
const getReleasePlan = getReleasePlanModule.default ?? getReleasePlanModule;

function run(command, args, options = {}) {
  console.log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`release: "${[command, ...args].join(' ')}" failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

/** Whether npm already has this version (a 404 means the package or version is new). */
function published(name, version) {
  const result = spawnSync('npm', ['view', `${name}@${version}`, 'version'], { cwd: root, encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === version;
}

// 1. Versions and changelogs from .changeset/*.md.
if (dryRun) {
  const plan = await getReleasePlan(root);
  if (plan.releases.length === 0) console.log('No pending changesets: the current versions would be published.');
  for (const release of plan.releases.filter((entry) => entry.type !== 'none')) {
    console.log(`would version ${release.name} ${release.oldVersion} → ${release.newVersion} (${release.type})`);
  }
} else {
  run('npx', ['changeset', 'version']);
  // The lockfile records the workspaces' versions too.
  run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund']);
}

// 2. Build every package from the versioned sources.
if (!skipBuild) run('node', ['scripts/build.mjs']);

// 3. Publish, dependencies first.
const packages = publishedWorkspaces().filter((workspace) => {
  if (dryRun || !published(workspace.name, workspace.version)) return true;
  console.log(`${workspace.name}@${workspace.version} is on npm already: skipped.`);
  return false;
});
if (packages.length > 0) {
  run('npm', [
    'publish',
    ...packages.flatMap((workspace) => ['--workspace', workspace.name]),
    '--access',
    'public',
    ...(dryRun ? ['--dry-run'] : []),
  ]);
}
if (!dryRun) {
  run('npx', ['changeset', 'tag']);
  console.log('Released. Commit the versions and changelogs, and push the tags: git push --follow-tags');
}
