import { logTo, type CliContext } from '../cli-context.js';
import { defineCommand } from '../define-command.js';

/** `dockprobe image build`: build the probe image now (it is also built automatically when missing). */
export function imageCommand(context: CliContext) {
  return defineCommand({
    command: 'image <action>',
    describe: "Build the probe image (offline, from this host's node runtime) and print its tag",
    builder: (y) =>
      y
        .positional('action', { choices: ['build'] as const, demandOption: true })
        .option('rebuild', { type: 'boolean', default: false, describe: 'Build even if the tag exists' }),
    handler: async (argv) => {
      const [{ DockerodeEngine }, { ensureProbeImage }] = await Promise.all([
        import('../../docker/dockerode-engine.js'),
        import('../../image/probe-image.js'),
      ]);
      const tag = await ensureProbeImage(new DockerodeEngine(), { rebuild: argv.rebuild, log: logTo(context) });
      context.stdout.write(`${tag}\n`);
    },
  });
}
