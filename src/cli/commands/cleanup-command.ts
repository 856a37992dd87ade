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
      'Remove containers and networks that dockprobe runs left behind, and the lock of a killed chaos drill: only those of runs provably gone from this host; name the rule sets a killed drill saved, and how to load them',
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
      const [{ DockerodeEngine }, { currentProbeImageTag }, { cleanupLeftovers }, { chaosLeftovers }] =
        await Promise.all([
          import('../../docker/dockerode-engine.js'),
          import('../../image/probe-image.js'),
          import('../../cleanup/cleanup-leftovers.js'),
          import('../../chaos/chaos-leftovers.js'),
        ]);
      // A killed chaos drill's lock and saved rule sets are files of this host, not resources of the engine.
      const drills = await chaosLeftovers({ ...(argv.run ? { runId: argv.run } : {}), dryRun: argv.dryRun });
      const report = await cleanupLeftovers(new DockerodeEngine(engineOptionFrom(argv)), {
        ...(argv.run ? { runId: argv.run } : {}),
        all: argv.alive,
        otherHosts: argv.otherHosts,
        dryRun: argv.dryRun,
        images: argv.images,
        ...(argv.images ? { keepImage: await currentProbeImageTag() } : {}),
      });
      const all = [drills, report];
      const each = (k: keyof typeof report) => all.flatMap((r) => r[k]);
      for (const r of each('removed')) context.stdout.write(`removed ${r}\n`);
      for (const r of each('wouldRemove')) context.stdout.write(`would remove ${r}\n`);
      for (const k of each('kept')) context.stdout.write(`kept ${k}\n`);
      for (const f of each('failures')) context.stderr.write(`${context.colorsErr.red('could not remove')} ${f}\n`);
      const count = (k: keyof typeof report) => each(k).length;
      if (count('removed') + count('wouldRemove') + count('kept') + count('failures') === 0)
        context.stdout.write('nothing to clean up\n');
      if (count('failures') > 0)
        context.stderr.write(`${count('failures')} resource(s) left behind; what frees each is named above\n`);
      setExit(count('failures') > 0 ? ExitCode.INCONCLUSIVE : ExitCode.PASS);
    },
  });
}
