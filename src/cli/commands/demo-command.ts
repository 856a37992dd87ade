import type { Argv } from 'yargs';
import { runDemo } from '../../demo/run-demo.js';
import type { CliContext } from '../cli-context.js';
import { reportOptionsFrom, runOptionsFrom, withRunOptions } from '../common-options.js';
import { exitCodeForResult } from '../exit-code.js';
import { writeReports } from '../write-reports.js';

/** `dockprobe demo`: bring up the reference topology, verify it, tear it down. */
export function demoCommand(context: CliContext, setExit: (code: number) => void) {
  return {
    command: 'demo',
    describe: 'Bring up the built-in reference topology, verify scenarios/reference.yml against it, tear it down',
    builder: (y: Argv) =>
      withRunOptions(y)
        .option('broken', { type: 'boolean', default: false, describe: 'Use the broken twin (every service on the public network): the scenario must fail' })
        .option('keep', { type: 'boolean', default: false, describe: 'Leave the topology up afterwards' }),
    handler: async (argv: Record<string, unknown>) => {
      const result = await runDemo({ ...runOptionsFrom(argv, context), broken: argv['broken'] as boolean, keep: argv['keep'] as boolean });
      await writeReports(result, reportOptionsFrom(argv), context);
      setExit(exitCodeForResult(result));
    },
  };
}
