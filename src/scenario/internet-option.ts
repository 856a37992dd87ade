import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { ScenarioProblem } from '../errors/scenario-error.js';
import { parseInternetList } from './parse-scenario.js';
import type { HostTarget } from './scenario.js';

/** `--internet`, validated at the boundary: each entry must be an outside host, and the message names it. */
export function internetOption(list: readonly string[]): HostTarget[] {
  const problems: ScenarioProblem[] = [];
  const targets = parseInternetList(list, (j) => ({ file: '--internet', line: 1, col: j + 1 }), problems);
  if (problems.length > 0) {
    throw new DockprobeError(ErrorCodes.USAGE, `--internet: ${problems.map((p) => p.message).join('; ')}`, {
      hint: problems[0]!.hint ?? 'e.g. --internet tcp://1.1.1.1:443,https://example.com/',
    });
  }
  return targets;
}
