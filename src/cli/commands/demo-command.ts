import type { CliContext } from '../cli-context.js';
import { reportOptionsFrom, runOptionsFrom } from '../common-options.js';
import { defineCommand } from '../define-command.js';
import { exitCodeForResult } from '../exit-code.js';
import { EXIT_CODES, withHelp } from '../help-text.js';
import { withOptions } from '../with-options.js';

/** `dockprobe demo`: bring up the reference topology, verify it, tear it down. */
export function demoCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'demo',
    describe: 'Bring up the built-in reference topology, verify scenarios/reference.yml against it, tear it down',
    builder: (y) =>
      withHelp(
        withOptions(y, 'demo'),
        [
          ['$0 demo', 'The reference topology: every check passes (exit 0)'],
          ['$0 demo --broken', 'Its broken twin: the scenario fails (exit 1), each leaked pair named'],
          ['$0 demo --keep --verbose', 'Every cell and probe in detail, the topology left up to look at'],
        ],
        EXIT_CODES,
      ),
    handler: async (argv) => {
      const options = { ...runOptionsFrom(argv, context), broken: argv.broken, keep: argv.keep };
      const [{ runDemo }, { writeReports }] = await Promise.all([
        import('../../demo/run-demo.js'),
        import('../write-reports.js'),
      ]);
      const result = await runDemo(options);
      await writeReports(result, reportOptionsFrom(argv), context);
      setExit(exitCodeForResult(result));
    },
  });
}
