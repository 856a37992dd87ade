import { DockprobeError, ErrorCodes } from '../../errors/dockprobe-error.js';
import type { CliContext } from '../cli-context.js';
import { engineOptionFrom, listOption, withEngineOption } from '../common-options.js';
import { confirmOnTerminal } from '../confirm.js';
import { defineCommand } from '../define-command.js';
import { exitCodeForNetworks } from '../exit-code.js';

/** `dockprobe networks --stale`: networks that outlived their Compose project, stack or dockprobe run. */
export function networksCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'networks',
    describe:
      'Networks left behind by Compose projects, swarm stacks and dockprobe runs that are gone: what holds each, and the commands that free it',
    builder: (y) =>
      withEngineOption(y)
        .option('stale', {
          type: 'boolean',
          default: false,
          describe:
            'List networks whose Compose project, stack or dockprobe run no longer exists, what still holds each, and the commands that free it',
        })
        .option('remove', {
          type: 'string',
          array: true,
          describe:
            'Remove these networks (names or ids), only if nothing holds them; asks first on a terminal unless --yes',
        })
        .option('remove-own', {
          type: 'boolean',
          default: false,
          describe: "Remove dockprobe's own stale networks (of runs provably gone) that nothing holds",
        })
        .option('yes', {
          alias: 'y',
          type: 'boolean',
          default: false,
          describe: 'Do not ask before removing a network named with --remove',
        })
        .option('format', {
          alias: 'f',
          choices: ['pretty', 'json'] as const,
          default: 'pretty' as const,
          describe: 'Report on stdout',
        })
        .epilogue(
          'Exit codes: 0 nothing stale is left and every removal asked for was done, 1 a stale network is left (with --stale) or a removal was refused because something holds the network, 2 usage error (an unknown network named), 3 engine unreachable or a removal failed.',
        ),
    handler: async (argv) => {
      const names = argv.remove === undefined ? undefined : (listOption(argv.remove) ?? []);
      if (names !== undefined && names.length === 0) {
        throw new DockprobeError(
          ErrorCodes.USAGE,
          `--remove needs the names (or ids) of the networks to remove, got ${(argv.remove ?? []).map((v) => `'${String(v)}'`).join(', ') || 'none'}`,
          { hint: 'dockprobe networks --stale lists them, with the command that frees each' },
        );
      }
      if (!argv.stale && names === undefined && !argv.removeOwn) {
        throw new DockprobeError(
          ErrorCodes.USAGE,
          'name what to do: --stale lists networks left behind, --remove NAME… or --remove-own removes them',
          { hint: 'dockprobe networks --stale' },
        );
      }
      const engine = engineOptionFrom(argv);
      const [{ DockerodeEngine }, { checkNetworks }, { prettyNetworksReport }, { jsonNetworksReport }] =
        await Promise.all([
          import('../../docker/dockerode-engine.js'),
          import('../../networks/check-networks.js'),
          import('../../networks/pretty-networks-report.js'),
          import('../../networks/json-networks-report.js'),
        ]);
      const confirm = argv.yes ? undefined : confirmOnTerminal(context);
      const report = await checkNetworks(new DockerodeEngine(engine), {
        ...(names !== undefined || argv.removeOwn ? { remove: { names: names ?? [], own: argv.removeOwn } } : {}),
        ...(confirm ? { confirm } : {}),
      });
      context.stdout.write(
        argv.format === 'json'
          ? jsonNetworksReport(report)
          : prettyNetworksReport(report, context.colorsOut, { listStale: argv.stale }),
      );
      setExit(exitCodeForNetworks(report, argv.stale));
    },
  });
}
