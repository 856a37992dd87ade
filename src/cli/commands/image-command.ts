import { type CliContext, logTo } from '../cli-context.js';
import { engineOptionFrom } from '../common-options.js';
import { defineCommand } from '../define-command.js';
import { withHelp } from '../help-text.js';
import { withOptions } from '../with-options.js';

/** `dockprobe image build`: build the probe image now (it is also built automatically when missing). */
export function imageCommand(context: CliContext) {
  return defineCommand({
    command: 'image <action>',
    describe: "Build the probe image (offline, from this host's node runtime) and print its tag",
    builder: (y) =>
      withHelp(
        withOptions(y.positional('action', { choices: ['build'] as const, demandOption: true }), 'image'),
        [
          ['$0 image build', 'Build the probe image if this version has none yet, and print its tag'],
          ['$0 image build --rebuild', 'Build it again'],
        ],
        'Exit codes: 0 the image is there, 2 usage error, 3 the build failed or the engine could not be reached.',
      ),
    handler: async (argv) => {
      const [{ DockerodeEngine }, { ensureProbeImage }] = await Promise.all([
        import('../../docker/dockerode-engine.js'),
        import('../../image/probe-image.js'),
      ]);
      const tag = await ensureProbeImage(new DockerodeEngine(engineOptionFrom(argv)), {
        rebuild: argv.rebuild,
        log: logTo(context),
      });
      context.stdout.write(`${tag}\n`);
    },
  });
}
