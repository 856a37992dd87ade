import type { CliContext } from '../cli-context.js';
import { reportOptionsFrom, runOptionsFrom, withRunOptions } from '../common-options.js';
import { defineCommand } from '../define-command.js';
import { exitCodeForResult } from '../exit-code.js';

/** `dockprobe demo`: bring up the reference topology, verify it, tear it down. */
export function demoCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'demo',
    describe: 'Bring up the built-in reference topology, verify scenarios/reference.yml against it, tear it down',
    builder: (y) =>
      withRunOptions(y)
        .option('broken', {
          type: 'boolean',
          default: false,
          describe: 'Use the broken twin (every service on the public network): the scenario must fail',
        })
        .option('keep', { type: 'boolean', default: false, describe: 'Leave the topology up afterwards' }),
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
