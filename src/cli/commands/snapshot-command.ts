import type { CliContext } from '../cli-context.js';
import { verifyOptionsFrom } from '../common-options.js';
import { defineCommand } from '../define-command.js';
import { ExitCode } from '../exit-code.js';
import { withHelp } from '../help-text.js';
import { requireScenarioFiles } from '../scenario-input.js';
import { withOptions } from '../with-options.js';

/** `dockprobe snapshot FILE… --write baseline.json`: what is reachable now, as a baseline for `test --baseline`. */
export function snapshotCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'snapshot [files..]',
    describe: 'Run scenario files and write what is reachable now, path by path, as a baseline for `test --baseline`',
    builder: (y) =>
      withHelp(
        withOptions(
          y.positional('files', { type: 'string', array: true, describe: 'Scenario files (YAML); - reads stdin' }),
          'snapshot',
        ),
        [
          ['$0 snapshot isolation.yml --write base.json', 'What is reachable now, path by path'],
          ['$0 test isolation.yml --baseline base.json', 'Later: only what changed since'],
        ],
        'Exit codes: 0 written, every path known; 2 usage or scenario error; 3 a path is unknown (inconclusive) or an infrastructure error.',
      ),
    handler: async (argv) => {
      requireScenarioFiles(argv.files, 'snapshot');
      // Every module through the bundle: a dynamic import of a node builtin has no loader in the code-cached bundle.
      const [{ verify }, { baselineOf }, { writeText }] = await Promise.all([
        import('../../verify.js'),
        import('../../baseline/baseline.js'),
        import('../write-text.js'),
      ]);
      const result = await verify(await verifyOptionsFrom(argv, context));
      const baseline = baselineOf(result);
      const file = argv.write as string;
      await writeText(file, `${JSON.stringify(baseline, null, 2)}\n`, '--write');
      const count = (state: string) => baseline.paths.filter((p) => p.state === state).length;
      context.stdout.write(
        `${file}: ${baseline.paths.length} paths (${count('open')} open, ${count('closed')} closed, ${count('unknown')} unknown), digest ${baseline.digest}\n`,
      );
      // An unknown path in a baseline is a gap in what it can compare: said, and exit 3, as for an inconclusive run.
      for (const p of baseline.paths.filter((x) => x.state === 'unknown'))
        context.stderr.write(`dockprobe: unknown in the baseline: ${p.source} → ${p.target} (${p.code})\n`);
      setExit(count('unknown') > 0 || result.cleanupFailures.length > 0 ? ExitCode.INCONCLUSIVE : ExitCode.PASS);
    },
  });
}
