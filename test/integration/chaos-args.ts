import type { ChaosResult } from '../../src/chaos/chaos-result.js';
import { cli } from './helpers.js';

/** The start of a chaos drill's command line on the reference scenario: `fault` against `project`. */
export function chaosArgs(project: string, fault: string): string[] {
  return ['chaos', 'scenarios/reference.yml', '--project', project, '--fault', fault];
}

/**
 * A drill of `fault` against `project`, unasked, its JSON report parsed (undefined when stdout is none), with `more`
 * options (`--baseline-rounds 2` and `--deadline` `deadline` unless `more` says otherwise).
 */
export async function chaosDrill(project: string, fault: string, deadline: string, more: string[] = []) {
  const out = await cli([
    ...chaosArgs(project, fault),
    '--yes',
    '--baseline-rounds',
    '2',
    '--deadline',
    deadline,
    ...more,
    '-f',
    'json',
  ]);
  let result: ChaosResult | undefined;
  try {
    result = JSON.parse(out.stdout) as ChaosResult;
  } catch {
    result = undefined;
  }
  return { ...out, result };
}
