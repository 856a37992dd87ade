import type { CliContext } from '../cli-context.js';
import { engineOptionFrom } from '../common-options.js';
import { defineCommand } from '../define-command.js';
import { ExitCode } from '../exit-code.js';
import { withHelp } from '../help-text.js';
import { withOptions } from '../with-options.js';

/** `dockprobe cleanup`: remove what earlier (crashed) runs left behind. */
export function cleanupCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'cleanup',
    describe:
      'Remove containers and networks that dockprobe runs left behind: only those of runs provably gone from this host',
    builder: (y) =>
      withHelp(
        withOptions(y, 'cleanup'),
        [
          ['$0 cleanup --dry-run', 'What would be removed, and why; nothing removed'],
          ['$0 cleanup', 'Remove what runs provably gone from this host left behind'],
          ['$0 cleanup --run 1a2b3c4d --alive', 'One run, even while its process is still alive here'],
        ],
        'Exit codes: 0 nothing left behind, 2 usage error, 3 something could not be removed or the engine could not be reached.',
      ),
    handler: async (argv) => {
      const [{ DockerodeEngine }, { currentProbeImageTag }, { cleanupLeftovers }] = await Promise.all([
        import('../../docker/dockerode-engine.js'),
        import('../../image/probe-image.js'),
        import('../../cleanup/cleanup-leftovers.js'),
      ]);
      const report = await cleanupLeftovers(new DockerodeEngine(engineOptionFrom(argv)), {
        ...(argv.run ? { runId: argv.run } : {}),
        all: argv.alive,
        otherHosts: argv.otherHosts,
        dryRun: argv.dryRun,
        images: argv.images,
        ...(argv.images ? { keepImage: await currentProbeImageTag() } : {}),
      });
      for (const r of report.removed) context.stdout.write(`removed ${r}\n`);
      for (const r of report.wouldRemove) context.stdout.write(`would remove ${r}\n`);
      for (const k of report.kept) context.stdout.write(`kept ${k}\n`);
      for (const f of report.failures) context.stderr.write(`${context.colorsErr.red('could not remove')} ${f}\n`);
      if (report.removed.length + report.wouldRemove.length + report.kept.length + report.failures.length === 0)
        context.stdout.write('nothing to clean up\n');
      if (report.failures.length > 0)
        context.stderr.write(`${report.failures.length} resource(s) left behind; what frees each is named above\n`);
      setExit(report.failures.length > 0 ? ExitCode.INCONCLUSIVE : ExitCode.PASS);
    },
  });
}
