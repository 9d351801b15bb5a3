// The root's workspaces, dependencies first, so a package is built (and published) after the
// packages it imports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..');

export function workspacesInDependencyOrder() {
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const workspaces = rootManifest.workspaces.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const deps = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies };
    return { dir, name: manifest.name, version: manifest.version, manifest, deps: Object.keys(deps) };
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
  return ordered;
}

/** The packages that go to npm: every workspace not marked private. */
export function publishedWorkspaces() {
  return workspacesInDependencyOrder().filter((workspace) => workspace.manifest.private !== true);
}
