import type { CliContext } from '../cli-context.js';
import { defineCommand } from '../define-command.js';

/** `dockprobe schema`: the JSON Schema of scenario files, for editors. */
export function schemaCommand(context: CliContext) {
  return defineCommand({
    command: 'schema',
    describe: 'Print the JSON Schema of scenario files (for editor completion and validation)',
    handler: async () => {
      const { scenarioJsonSchema } = await import('../../scenario/scenario-schema.js');
      context.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    },
  });
}
