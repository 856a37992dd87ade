import { scenarioJsonSchema } from '../../scenario/scenario-schema.js';
import type { CliContext } from '../cli-context.js';

/** `dockprobe schema`: the JSON Schema of scenario files, for editors. */
export function schemaCommand(context: CliContext) {
  return {
    command: 'schema',
    describe: 'Print the JSON Schema of scenario files (for editor completion and validation)',
    handler: () => {
      context.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    },
  };
}
