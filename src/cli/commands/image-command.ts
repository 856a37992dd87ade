import type { Argv } from 'yargs';
import { DockerodeRuntime } from '../../docker/dockerode-runtime.js';
import { ensureProbeImage } from '../../image/probe-image.js';
import { logTo, type CliContext } from '../cli-context.js';

/** `dockprobe image build`: build the probe image now (it is also built automatically when missing). */
export function imageCommand(context: CliContext) {
  return {
    command: 'image <action>',
    describe: 'Build the probe image (offline, from this host\'s node runtime) and print its tag',
    builder: (y: Argv) =>
      y.positional('action', { choices: ['build'] as const, demandOption: true }).option('rebuild', { type: 'boolean', default: false, describe: 'Build even if the tag exists' }),
    handler: async (argv: Record<string, unknown>) => {
      const tag = await ensureProbeImage(new DockerodeRuntime(), { rebuild: argv['rebuild'] as boolean, log: logTo(context) });
      context.stdout.write(`${tag}\n`);
    },
  };
}
