/** The start of a chaos drill's command line on the reference scenario: `fault` against `project`. */
export function chaosArgs(project: string, fault: string): string[] {
  return ['chaos', 'scenarios/reference.yml', '--project', project, '--fault', fault];
}
