import type { CliContext } from '../cli-context.js';
import { defineCommand } from '../define-command.js';
import { ExitCode, exitCodeForError } from '../exit-code.js';
import { withHelp } from '../help-text.js';
import { refuseStdinTwice, requireScenarioFiles, STDIN_ARG, STDIN_NAME } from '../scenario-input.js';

/** `dockprobe validate FILE…`: check scenario files without touching Docker, every file reported. */
export function validateCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'validate [files..]',
    describe: 'Check scenario files (syntax, keys, ports, durations) without touching Docker',
    builder: (y) =>
      withHelp(
        y.positional('files', { type: 'string', array: true, describe: 'Scenario files (YAML); - reads stdin' }),
        [
          ['$0 validate isolation.yml', 'Check one file'],
          ['$0 validate scenarios/*.yml', 'Check several: each is reported'],
          ['cat isolation.yml | $0 validate -', 'Check what comes on stdin'],
        ],
        'Exit codes: 0 every file is valid, 2 a file is invalid or cannot be read.',
      ),
    handler: async (argv) => {
      requireScenarioFiles(argv.files, 'validate');
      const files = argv.files ?? [];
      // bin.ts runs valid files through validate-files.ts without yargs; it prints the same lines.
      const [{ loadScenario }, { refuseUncheckable }, { validatedLine }, { readStdinScenario }, { printError }] =
        await Promise.all([
          import('../../scenario/parse-scenario.js'),
          import('../../plan/scenario-problems.js'),
          import('../validate-files.js'),
          import('../scenario-input.js'),
          import('../print-error.js'),
        ]);
      refuseStdinTwice(files);
      let exit: number = ExitCode.PASS;
      let invalid = 0;
      for (const file of files) {
        try {
          const scenario = file === STDIN_ARG ? await readStdinScenario(context) : await loadScenario(file);
          refuseUncheckable(scenario);
          context.stdout.write(validatedLine(file === STDIN_ARG ? STDIN_NAME : file, scenario));
        } catch (error) {
          // Every file is checked and reported, the worst exit code kept.
          printError(context, error);
          invalid++;
          exit = Math.max(exit, exitCodeForError(error));
        }
      }
      if (invalid > 0 && files.length > 1)
        context.stderr.write(`dockprobe: ${invalid} of ${files.length} files are invalid\n`);
      setExit(exit);
    },
  });
}
