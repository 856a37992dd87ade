import type { Engine } from '../docker/engine.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { parseScenario } from '../scenario/parse-scenario.js';
import type { Scenario } from '../scenario/scenario.js';
import { inferModel } from './infer-model-of.js';
import type { InferOptions } from './infer-options.js';

/**
 * `test --infer`: the expectations `dockprobe infer` would write, as a scenario in memory, run beside any files
 * given. It is the scenario `infer --write` writes, parsed as a file would be: one reading of the format, and its
 * verdicts point at `<inferred from …>:line:col`, the line `infer --write` would have written. Nothing inferred is an
 * error when there is nothing else to run, and said otherwise.
 */
export async function inferredScenario(
  options: InferOptions,
  others: number,
  runtime: Engine | undefined,
  log: (message: string) => void,
): Promise<Scenario | undefined> {
  const { model, entries, scenario } = await inferModel({ ...options, ...(runtime ? { runtime } : {}) });
  if (entries.length === 0) {
    const why = `nothing to infer from ${model.origin}: no service with a port on a network`;
    if (others === 0)
      throw new DockprobeError(ErrorCodes.USAGE, why, {
        hint: 'dockprobe infer shows what is inferred and why; name scenario files to run instead',
      });
    log(why);
    return undefined;
  }
  const count = entries.reduce((n, e) => n + e.to.length, 0);
  log(`inferred ${count} expectation${count === 1 ? '' : 's'} from ${model.origin}`);
  return parseScenario(scenario, `<inferred from ${model.origin}>`);
}
