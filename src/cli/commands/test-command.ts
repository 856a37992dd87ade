import type { Argv } from 'yargs';
import { verify } from '../../verify.js';
import type { CliContext } from '../cli-context.js';
import { reportOptionsFrom, runOptionsFrom, withRunOptions } from '../common-options.js';
import { exitCodeForResult } from '../exit-code.js';
import { writeReports } from '../write-reports.js';

/** `dockprobe test FILE…`: run scenarios against what is deployed now. */
export function testCommand(context: CliContext, setExit: (code: number) => void) {
  return {
    command: 'test <files..>',
    describe: 'Run scenario files against what is deployed now and report pass / FAIL / inconclusive',
    builder: (y: Argv) =>
      withRunOptions(y)
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Scenario files (YAML)' })
        .option('project', { alias: 'p', type: 'string', describe: 'Compose project, replacing the one in the files' }),
    handler: async (argv: Record<string, unknown>) => {
      const result = await verify({
        ...runOptionsFrom(argv, context),
        scenarios: argv['files'] as string[],
        ...(argv['project'] ? { project: argv['project'] as string } : {}),
      });
      await writeReports(result, reportOptionsFrom(argv), context);
      setExit(exitCodeForResult(result));
    },
  };
}
