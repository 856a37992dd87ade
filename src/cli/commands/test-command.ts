import type { CliContext } from '../cli-context.js';
import { reportOptionsFrom, verifyOptionsFrom, withScenarioRunOptions } from '../common-options.js';
import { defineCommand } from '../define-command.js';
import { exitCodeForResult } from '../exit-code.js';

/** `dockprobe test FILE…`: run scenarios against what is deployed now. */
export function testCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'test <files..>',
    describe: 'Run scenario files against what is deployed now and report pass / FAIL / inconclusive',
    builder: (y) =>
      withScenarioRunOptions(y)
        .option('baseline', { type: 'string', describe: 'Compare with a baseline written by `dockprobe snapshot`: print only the differences (paths opened, closed, new, gone)' })
        .option('fail-on', { choices: ['opened', 'closed', 'any'] as const, default: 'opened' as const, describe: 'With --baseline: which differences fail the run (exit 1)' }),
    handler: async (argv) => {
      const options = verifyOptionsFrom(argv, context);
      const [{ verify }, { writeReports }] = await Promise.all([import('../../verify.js'), import('../write-reports.js')]);
      if (argv.baseline !== undefined) {
        const { compareWithBaseline } = await import('../compare-with-baseline.js');
        setExit(await compareWithBaseline(argv.baseline, argv.failOn, options, reportOptionsFrom(argv), context));
        return;
      }
      const result = await verify(options);
      await writeReports(result, reportOptionsFrom(argv), context);
      // On stderr whatever the format: a JSON or JUnit report on stdout must not be the only place a leftover shows.
      for (const f of result.cleanupFailures) context.stderr.write(`dockprobe: cleanup step failed: ${f}\n`);
      if (result.cleanupFailures.length > 0) context.stderr.write(`dockprobe: remove what is left with: dockprobe cleanup --run ${result.runId}\n`);
      setExit(exitCodeForResult(result));
    },
  });
}
