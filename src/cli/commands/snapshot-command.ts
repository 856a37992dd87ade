import type { CliContext } from '../cli-context.js';
import { nodesOption, projectOption, runOptionsFrom, withRunOptions } from '../common-options.js';
import { defineCommand } from '../define-command.js';
import { ExitCode } from '../exit-code.js';

/** `dockprobe snapshot FILE… --write baseline.json`: what is reachable now, as a baseline for `test --baseline`. */
export function snapshotCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'snapshot <files..>',
    describe: 'Run scenario files and write what is reachable now, path by path, as a baseline for `test --baseline`',
    builder: (y) =>
      withRunOptions(y)
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Scenario files (YAML)' })
        .option('write', { type: 'string', demandOption: true, describe: 'The baseline file to write (JSON)' })
        .option('project', { alias: 'p', type: 'string', array: true, describe: "Compose project or swarm stack, replacing the files' project" })
        .option('nodes', { type: 'string', array: true, describe: 'On a swarm manager: probe each overlay zone from these nodes (or all)' }),
    handler: async (argv) => {
      const project = projectOption(argv.project);
      const nodes = nodesOption(argv.nodes);
      // Every module through the bundle: a dynamic import of a node builtin has no loader in the code-cached bundle.
      const [{ verify }, { baselineOf }, { writeBaseline }] = await Promise.all([import('../../verify.js'), import('../../baseline/baseline.js'), import('../../baseline/write-baseline.js')]);
      const result = await verify({ ...runOptionsFrom(argv, context), scenarios: argv.files, ...(project ? { project } : {}), ...(nodes ? { nodes } : {}) });
      const baseline = baselineOf(result);
      await writeBaseline(argv.write, baseline);
      const count = (state: string) => baseline.paths.filter((p) => p.state === state).length;
      context.stdout.write(`${argv.write}: ${baseline.paths.length} paths (${count('open')} open, ${count('closed')} closed, ${count('unknown')} unknown), digest ${baseline.digest}\n`);
      // An unknown path in a baseline is a gap in what it can compare: said, and exit 3, as for an inconclusive run.
      for (const p of baseline.paths.filter((x) => x.state === 'unknown')) context.stderr.write(`dockprobe: unknown in the baseline: ${p.source} → ${p.target} (${p.code})\n`);
      setExit(count('unknown') > 0 || result.cleanupFailures.length > 0 ? ExitCode.INCONCLUSIVE : ExitCode.PASS);
    },
  });
}
