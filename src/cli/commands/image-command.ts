import { type CliContext, logTo } from '../cli-context.js';
import { engineOptionFrom } from '../common-options.js';
import { defineCommand } from '../define-command.js';
import { withHelp } from '../help-text.js';
import { withOptions } from '../with-options.js';

/**
 * `dockprobe image build`: build the probe image now (it is also built automatically when missing). `dockprobe image
 * build-self`: build dockprobe's own image (image/self-image.ts).
 */
export function imageCommand(context: CliContext) {
  return defineCommand({
    command: 'image <action>',
    describe: "Build the probe image, or dockprobe's own (offline, from this host's node runtime), and print its tag",
    builder: (y) =>
      withHelp(
        withOptions(y.positional('action', { choices: ['build', 'build-self'] as const, demandOption: true }), 'image'),
        [
          ['$0 image build', 'Build the probe image if this version has none yet, and print its tag'],
          ['$0 image build --rebuild', 'Build it again'],
          [
            '$0 image build-self',
            "Build dockprobe's own image, dockprobe:<version> and dockprobe:latest, and print its tags and size",
          ],
        ],
        'Exit codes: 0 the image is there, 2 usage error, 3 the build failed or the engine could not be reached.',
      ),
    handler: async (argv) => {
      const [{ DockerodeEngine }, { ensureProbeImage }, { buildSelfImage }] = await Promise.all([
        import('../../docker/dockerode-engine.js'),
        import('../../image/probe-image.js'),
        import('../../image/self-image.js'),
      ]);
      const runtime = new DockerodeEngine(engineOptionFrom(argv));
      if (argv.action === 'build-self') {
        const image = await buildSelfImage(runtime, { log: logTo(context) });
        context.stderr.write(
          `${image.tags.join(', ')}: ${(image.sizeBytes / 1_000_000).toFixed(1)} MB uncompressed (content ${image.hash})\n`,
        );
        context.stdout.write(`${image.tags.join('\n')}\n`);
        return;
      }
      const tag = await ensureProbeImage(runtime, {
        rebuild: argv.rebuild,
        log: logTo(context),
      });
      context.stdout.write(`${tag}\n`);
    },
  });
}
