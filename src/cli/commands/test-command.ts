import type { CliContext } from '../cli-context.js';
import { reportOptionsFrom, verifyOptionsFrom, withScenarioRunOptions } from '../common-options.js';
import { defineCommand } from '../define-command.js';
import { exitCodeForResult } from '../exit-code.js';
import { inferOptionsFrom } from '../infer-options.js';
import { reportLeftovers } from '../report-leftovers.js';

/** `dockprobe test FILE…` (or `--infer`, or both): run scenarios against what is deployed now. */
export function testCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'test [files..]',
    describe:
      'Run scenario files (or, with --infer, what the deployment itself implies, or both) against what is deployed now and report pass / FAIL / inconclusive',
    builder: (y) =>
      withScenarioRunOptions(y)
        .option('infer', {
          type: 'boolean',
          default: false,
          describe:
            'Also run the expectations inferred from the deployment (as `dockprobe plan`): from the running project with --project, or from Compose files with --file',
        })
        // No -f: it is --format on every probing command. Not an array option either: yargs would take the scenario
        // files after it as Compose files (`--file compose.yml rules.yml`); a list is repeated or comma-separated.
        .option('file', {
          type: 'string',
          array: true,
          describe: 'With --infer: Compose files to infer from, through compose config (repeated or comma-separated)',
        })
        .option('baseline', {
          type: 'string',
          describe:
            'Compare with a baseline written by `dockprobe snapshot`: print only the differences (paths opened, closed, new, gone)',
        })
        .option('fail-on', {
          choices: ['opened', 'closed', 'any'] as const,
          default: 'opened' as const,
          describe: 'With --baseline: which differences fail the run (exit 1)',
        }),
    handler: async (argv) => {
      const options = verifyOptionsFrom(argv, context);
      const infer = inferOptionsFrom(argv, options.project === undefined ? undefined : [options.project].flat());
      if (infer) {
        const [{ inferredScenario }, { DockerodeEngine }] = await Promise.all([
          import('../inferred-scenario.js'),
          import('../../docker/dockerode-engine.js'),
        ]);
        // One engine client for the live read and the run, with the run's own --engine-timeout.
        options.runtime = new DockerodeEngine(options.engineTimeoutMs ? { apiTimeoutMs: options.engineTimeoutMs } : {});
        const inferred = await inferredScenario(
          infer,
          options.scenarios.length,
          options.runtime,
          options.log ?? (() => undefined),
        );
        if (inferred) options.scenarios = [inferred, ...options.scenarios];
      }
      const [{ verify }, { writeReports }] = await Promise.all([
        import('../../verify.js'),
        import('../write-reports.js'),
      ]);
      if (argv.baseline !== undefined) {
        const { compareWithBaseline } = await import('../compare-with-baseline.js');
        setExit(await compareWithBaseline(argv.baseline, argv.failOn, options, reportOptionsFrom(argv), context));
        return;
      }
      const result = await verify(options);
      await writeReports(result, reportOptionsFrom(argv), context);
      // On stderr whatever the format: a JSON or JUnit report on stdout must not be the only place a leftover shows.
      reportLeftovers(context, result);
      setExit(exitCodeForResult(result));
    },
  });
}
