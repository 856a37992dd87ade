import type { CliContext } from '../cli-context.js';
import { defineCommand } from '../define-command.js';
import { withHelp } from '../help-text.js';

/** `dockprobe schema`: the JSON Schema of scenario files, for editors. */
export function schemaCommand(context: CliContext) {
  return defineCommand({
    command: 'schema',
    describe: 'Print the JSON Schema of scenario files (for editor completion and validation)',
    builder: (y) =>
      withHelp(
        y,
        [
          ['$0 schema > scenario.schema.json', "For an editor's completion and checks"],
          ['$0 schema | jq .properties.expect', 'What an expectation may hold'],
        ],
        'Exit codes: 0 printed.',
      ),
    handler: async () => {
      const { scenarioJsonSchema } = await import('../../scenario/scenario-schema.js');
      context.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    },
  });
}
