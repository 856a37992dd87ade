import { DockprobeError, ErrorCodes } from '../../errors/dockprobe-error.js';
import type { CliContext } from '../cli-context.js';
import { engineOptionFrom, listOption } from '../common-options.js';
import { confirmOnTerminal } from '../confirm.js';
import { defineCommand } from '../define-command.js';
import { exitCodeForNetworks } from '../exit-code.js';
import { withHelp } from '../help-text.js';
import { withOptions } from '../with-options.js';

/** `dockprobe networks --stale`: networks that outlived their Compose project, stack or dockprobe run. */
export function networksCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'networks',
    describe:
      'Networks left behind by Compose projects, swarm stacks and dockprobe runs that are gone: what holds each, and the commands that free it',
    builder: (y) =>
      withHelp(
        withOptions(y, 'networks'),
        [
          ['$0 networks --stale', 'Networks left behind, what holds each, and the commands that free it'],
          ['$0 networks --remove-own', "Remove dockprobe's own stale networks that nothing holds"],
          ['$0 networks --remove shop_default --yes', 'Remove a network by name, without a question'],
        ],
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
          : argv.format === 'markdown'
            ? (await import('../../networks/markdown-networks-report.js')).markdownNetworksReport(report, {
                listStale: argv.stale,
              })
            : prettyNetworksReport(report, context.colorsOut, { listStale: argv.stale }),
      );
      setExit(exitCodeForNetworks(report, argv.stale));
    },
  });
}
