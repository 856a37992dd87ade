import type { CliContext } from '../cli-context.js';
import { defineCommand } from '../define-command.js';

/** `dockprobe validate FILE…`: check scenario files without touching Docker. */
export function validateCommand(context: CliContext) {
  return defineCommand({
    command: 'validate <files..>',
    describe: 'Check scenario files (syntax, keys, ports, durations) without touching Docker',
    builder: (y) => y.positional('files', { type: 'string', array: true, demandOption: true }),
    handler: async (argv) => {
      // bin.ts runs valid files through validate-files.ts without yargs; it prints the same lines.
      const [{ loadScenario }, { validatedLine }] = await Promise.all([
        import('../../scenario/parse-scenario.js'),
        import('../validate-files.js'),
      ]);
      for (const file of argv.files) context.stdout.write(validatedLine(file, await loadScenario(file)));
    },
  });
}
