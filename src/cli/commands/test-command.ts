import type { CliContext } from '../cli-context.js';
import { reportOptionsFrom, verifyOptionsFrom } from '../common-options.js';
import { defineCommand } from '../define-command.js';
import { exitCodeForResult } from '../exit-code.js';
import { EXIT_CODES, withHelp } from '../help-text.js';
import { inferOptionsFrom } from '../infer-options.js';
import { reportLeftovers } from '../report-leftovers.js';
import { withOptions } from '../with-options.js';

/** `dockprobe test FILE…` (or `--infer`, or both): run scenarios against what is deployed now. */
export function testCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'test [files..]',
    describe:
      'Run scenario files (or, with --infer, what the deployment itself implies, or both) against what is deployed now and report pass / FAIL / inconclusive',
    builder: (y) =>
      withHelp(
        withOptions(
          y.positional('files', { type: 'string', array: true, describe: 'Scenario files (YAML); - reads stdin' }),
          'test',
        ),
        [
          ['$0 test isolation.yml --project shop', 'A scenario against the running Compose project shop'],
          ['$0 test --infer --project shop', "What the project's own configuration implies, no file"],
          ['$0 test isolation.yml --baseline base.json', 'Only what changed since `snapshot --write base.json`'],
        ],
        EXIT_CODES,
      ),
    handler: async (argv) => {
      const options = await verifyOptionsFrom(argv, context);
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
