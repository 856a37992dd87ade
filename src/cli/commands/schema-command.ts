import { readFile } from 'node:fs/promises';
import { IN_CLI_BUNDLE, SCENARIO_JSON_SCHEMA } from '../../package-paths.js';
import type { CliContext } from '../cli-context.js';
import { defineCommand } from '../define-command.js';

/** `dockprobe schema`: the JSON Schema of scenario files, for editors. */
export function schemaCommand(context: CliContext) {
  return defineCommand({
    command: 'schema',
    describe: 'Print the JSON Schema of scenario files (for editor completion and validation)',
    handler: async () => {
      context.stdout.write((IN_CLI_BUNDLE ? await prebuilt() : undefined) ?? (await generated()));
    },
  });
}

// The bundle's build wrote this file from the same source: printing it spares loading zod. From src or dist/src
// (tests, the library) a file there could be older than the code, so the schema is always built.
async function prebuilt(): Promise<string | undefined> {
  try {
    return await readFile(SCENARIO_JSON_SCHEMA, 'utf8');
  } catch {
    return undefined;
  }
}

async function generated(): Promise<string> {
  const { scenarioJsonSchema } = await import('../../scenario/scenario-schema.js');
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
