export interface Workspace {
  /** The folder, relative to the repository root. */
  dir: string;
  name: string;
  version: string;
  manifest: Record<string, unknown> & { private?: boolean; scripts?: Record<string, string> };
  /** Names of its dependencies, dev and peer dependencies. */
  deps: string[];
}

export const root: string;
export function workspacesInDependencyOrder(): Workspace[];
export function publishedWorkspaces(): Workspace[];
