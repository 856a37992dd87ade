import { DockprobeError, ErrorCodes } from '../../errors/dockprobe-error.js';
import type { InferService } from '../../infer/infer-model.js';
import type { CliContext } from '../cli-context.js';
import { engineOptionFrom, listOption, oneProject, projectOption } from '../common-options.js';
import { defineCommand } from '../define-command.js';
import { withHelp } from '../help-text.js';
import { withOptions } from '../with-options.js';

/** `dockprobe infer`: the expected matrix of a deployment, from its Compose files or from what runs. */
export function inferCommand(context: CliContext) {
  return defineCommand({
    command: 'infer',
    describe:
      'Infer what a deployment is meant to allow from its Compose files (through compose config) or from what runs, and print it or write it as a scenario',
    builder: (y) =>
      withHelp(
        withOptions(y, 'infer'),
        [
          ['$0 infer --file compose.yml', 'What a Compose file implies, as a matrix'],
          ['$0 infer --write isolation.yml', "The same from this folder's Compose file, as a scenario to edit"],
          ['$0 infer --live --project shop', 'From what runs in Compose project shop'],
        ],
        'Exit codes: 0 inferred (and written), 2 usage error or a Compose file Compose refuses, 3 the engine or Compose could not be run.',
      ),
    handler: async (argv) => {
      const project = oneProject(projectOption(argv.project), 'infer');
      const { inferModel } = await import('../infer-model-of.js');
      const { model, entries, matrix, scenario } = await inferModel({
        files: listOption(argv.file) ?? [],
        stackFiles: listOption(argv.stackFile) ?? [],
        project,
        live: argv.live,
        engine: engineOptionFrom(argv),
      });
      const skipped = skippedServices(model.services, argv.live);
      if (entries.length === 0) {
        // A scenario with no expectation is one validate refuses: none is written, and the exit code says so.
        throw new DockprobeError(
          ErrorCodes.USAGE,
          `nothing to infer from ${model.origin}: no service with a port on a network${argv.write ? `; ${argv.write} not written` : ''}${skipped.length > 0 ? ` (skipped: ${skipped.join('; ')})` : ''}`,
          {
            hint: 'give each service its ports in the Compose file (`expose:` or `ports:`), or write the scenario by hand from scenarios/reference.yml',
          },
        );
      }
      context.stdout.write(matrix);
      if (skipped.length > 0) context.stderr.write(`dockprobe: skipped: ${skipped.join('; ')}\n`);
      if (argv.write) {
        const { writeText } = await import('../write-text.js');
        await writeText(argv.write, scenario, '--write');
        context.stderr.write(`dockprobe: wrote ${argv.write}\n`);
      }
    },
  });
}

/** The services nothing is inferred for, each with why: `redis (no port: neither expose: nor ports:)`. */
export function skippedServices(services: readonly InferService[], live = false): string[] {
  return services.flatMap((s) => {
    if (s.networkMode !== undefined)
      return [`${s.name} (network_mode ${s.networkMode}: on none of the project's networks)`];
    if (s.ports.length === 0 && s.udpPorts.length === 0)
      return [
        live
          ? `${s.name} (no port: its containers expose none)`
          : `${s.name} (no port: neither expose: nor ports: nor a Traefik port label in the file${s.imageUnread ? `, and ${s.imageUnread}` : ''})`,
      ];
    return [];
  });
}
