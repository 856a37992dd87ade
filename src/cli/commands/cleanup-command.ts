import type { CliContext } from '../cli-context.js';
import { defineCommand } from '../define-command.js';
import { engineOptionFrom, withEngineOption } from '../common-options.js';
import { ExitCode } from '../exit-code.js';

/** `dockprobe cleanup`: remove what earlier (crashed) runs left behind. */
export function cleanupCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'cleanup',
    describe:
      'Remove containers and networks that dockprobe runs left behind: only those of runs provably gone from this host',
    builder: (y) =>
      withEngineOption(y)
        .option('run', {
          type: 'string',
          describe: 'Only this run id (a run still alive here needs --all too, one of another host --other-hosts)',
        })
        .option('all', {
          type: 'boolean',
          default: false,
          describe: 'Also resources of runs whose process is still alive on this host',
        })
        .option('other-hosts', {
          type: 'boolean',
          default: false,
          describe: 'Also resources of runs started on other hosts (nothing here proves them gone)',
        })
        .option('dry-run', {
          type: 'boolean',
          default: false,
          describe: 'List what would be removed and why; remove nothing',
        })
        .option('images', {
          type: 'boolean',
          default: false,
          describe: 'Also probe images of other dockprobe versions (the current one is kept)',
        }),
    handler: async (argv) => {
      const [{ DockerodeEngine }, { currentProbeImageTag }, { cleanupLeftovers }] = await Promise.all([
        import('../../docker/dockerode-engine.js'),
        import('../../image/probe-image.js'),
        import('../../run/cleanup-leftovers.js'),
      ]);
      const report = await cleanupLeftovers(new DockerodeEngine(engineOptionFrom(argv)), {
        ...(argv.run ? { runId: argv.run } : {}),
        all: argv.all,
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
