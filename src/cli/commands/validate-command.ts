import type { Argv } from 'yargs';
import { loadScenario } from '../../scenario/parse-scenario.js';
import type { CliContext } from '../cli-context.js';

/** `dockprobe validate FILE…`: check scenario files without touching Docker. */
export function validateCommand(context: CliContext) {
  return {
    command: 'validate <files..>',
    describe: 'Check scenario files (syntax, keys, ports, durations) without touching Docker',
    builder: (y: Argv) => y.positional('files', { type: 'string', array: true, demandOption: true }),
    handler: async (argv: Record<string, unknown>) => {
      for (const file of argv['files'] as string[]) {
        const scenario = await loadScenario(file);
        const cells = scenario.expectations.reduce((n, e) => n + e.to.length, 0);
        context.stdout.write(`${file}: ok (${scenario.expectations.length} expectations, ${cells} targets)\n`);
      }
    },
  };
}
