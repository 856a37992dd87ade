// `project:` names one Compose project or swarm stack, or a list of them. This module is the one place the two
// shapes meet: everything after parsing sees a list, and a name is pinned to a project only where one is certain.

/** `shop` → [shop]; [infra, app] as is; nothing → []. */
export function projectList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

/**
 * The project a name belongs to before anything is read from the engine: the only one listed. With several, which
 * one holds a name is known only once they are read (topology/resolve-names.ts), so it stays undefined here.
 */
export function singleProject(projects: readonly string[]): string | undefined {
  return projects.length === 1 ? projects[0] : undefined;
}

/** How messages name a scope: `project 'shop'`, `projects 'infra', 'app'`. */
export function describeProjects(projects: readonly string[]): string {
  return projects.length === 1 ? `project '${projects[0]}'` : `projects ${projects.map((p) => `'${p}'`).join(', ')}`;
}
