import type { CliContext } from '../cli-context.js';
import { engineOptionFrom, withEngineOption } from '../common-options.js';
import { defineCommand } from '../define-command.js';

/** `dockprobe plan`: the expected matrix of a deployment, from its Compose files or from what runs. */
export function planCommand(context: CliContext) {
  return defineCommand({
    command: 'plan',
    describe:
      'Infer what a deployment is meant to allow from its Compose files (through compose config) or from what runs, and print it or write it as a scenario',
    builder: (y) =>
      withEngineOption(y)
        .option('file', {
          alias: 'f',
          type: 'string',
          array: true,
          describe: 'Compose files, as compose -f takes them (default: compose finds one)',
        })
        .option('stack-file', {
          type: 'string',
          array: true,
          describe:
            "Swarm stack files instead, as docker stack deploy -c takes them (read through docker stack config); needs --project, the stack's name",
        })
        .option('project', {
          alias: 'p',
          type: 'string',
          describe:
            'The Compose project (default: the name Compose gives it) or the stack; with --live, the running one',
        })
        .option('live', {
          type: 'boolean',
          default: false,
          describe: 'Infer from the running project (its containers, networks and ports) instead of the files',
        })
        .option('write', {
          type: 'string',
          describe: 'Also write the inferred expectations as a scenario file, each target commented with why',
        }),
    handler: async (argv) => {
      const { inferModel } = await import('../infer-model-of.js');
      const { model, entries, matrix, scenario } = await inferModel({
        files: argv.file ?? [],
        stackFiles: argv.stackFile ?? [],
        project: argv.project,
        live: argv.live,
        engine: engineOptionFrom(argv),
      });
      context.stdout.write(matrix);
      if (entries.length === 0)
        context.stderr.write(`dockprobe: nothing to infer from ${model.origin}: no service with a port on a network\n`);
      if (argv.write) {
        const { writeText } = await import('../write-text.js');
        await writeText(argv.write, scenario, '--write');
        context.stderr.write(`dockprobe: wrote ${argv.write}\n`);
      }
    },
  });
}
