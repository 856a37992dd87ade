import yargs from 'yargs';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { VERSION } from '../package-paths.js';
import type { CliContext } from './cli-context.js';
import { chaosCommand } from './commands/chaos-command.js';
import { cleanupCommand } from './commands/cleanup-command.js';
import { demoCommand } from './commands/demo-command.js';
import { drillCommand } from './commands/drill-command.js';
import { imageCommand } from './commands/image-command.js';
import { networksCommand } from './commands/networks-command.js';
import { inferCommand } from './commands/infer-command.js';
import { schemaCommand } from './commands/schema-command.js';
import { snapshotCommand } from './commands/snapshot-command.js';
import { testCommand } from './commands/test-command.js';
import { validateCommand } from './commands/validate-command.js';
import { watchCommand } from './commands/watch-command.js';
import { ExitCode } from './exit-code.js';
import { EXIT_CODES } from './help-text.js';
import { COMMANDS } from './option-table.js';
import { helpWidth } from './precomputed-output.js';
import { markStdin } from './scenario-input.js';
import { commandWord, unknownCommand, unknownOptionError, unknownOptions, usageMessage } from './usage-errors.js';

/**
 * Parses the command line and runs one command. Returns the exit code it chose; throws DockprobeError for usage,
 * input and infrastructure errors (bin turns those into a message and an exit code).
 */
export async function main(argv: string[], context: CliContext): Promise<number> {
  let exitCode: number = ExitCode.PASS;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const args = markStdin(argv);
  const word = commandWord(args);
  if (word !== undefined && !(COMMANDS as readonly string[]).includes(word)) throw unknownCommand(word);
  const parser = yargs(args)
    .scriptName('dockprobe')
    .usage("$0 <command> [options]\n\nProve a Docker deployment's network isolation by trying it.")
    .command(testCommand(context, setExit))
    .command(snapshotCommand(context, setExit))
    .command(drillCommand(context, setExit))
    .command(watchCommand(context))
    .command(chaosCommand(context, setExit))
    .command(inferCommand(context))
    .command(demoCommand(context, setExit))
    .command(cleanupCommand(context, setExit))
    .command(networksCommand(context, setExit))
    .command(validateCommand(context, setExit))
    .command(schemaCommand(context))
    .command(imageCommand(context))
    .demandCommand(1, `name a command: ${COMMANDS.join(', ')}`)
    .example([
      ['$0 infer --write isolation.yml', "A first scenario from this folder's Compose file"],
      ['$0 test isolation.yml --project shop', 'The scenario against the running Compose project shop'],
      ['$0 drill --all --project shop', 'No scenario: everything reachable from every service'],
    ])
    // Before anything else is validated: an unknown option would have taken the word after it as its value.
    // yargs passes its parser, in the running command's context, as the second argument; @types/yargs (17) omits it.
    .middleware(
      ((
        parsed: Record<string, unknown>,
        y: { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } },
      ) => {
        const known = knownOptions(y.getOptions());
        const unknown = unknownOptions(args, known);
        if (unknown.length > 0) throw unknownOptionError(unknown, commandOf(parsed), known);
      }) as unknown as (args: Record<string, unknown>) => void,
      true,
    )
    .strict()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .wrap(helpWidth(process.stdout.columns))
    .epilogue(EXIT_CODES)
    .fail((message, error) => {
      // yargs' own parse errors (a value missing after an option) come as a YError: a usage error like the others.
      if (error && error.name !== 'YError') throw error;
      const said = message ? usageMessage(message, word) : undefined;
      throw new DockprobeError(ErrorCodes.USAGE, said?.message ?? message ?? 'invalid command line', {
        hint: said?.hint ?? 'dockprobe --help lists commands and options',
      });
    })
    .exitProcess(false);
  await parser.parseAsync();
  return exitCode;
}

/** Every name yargs knows an option of the running command by: as declared, camelCase, aliases. */
function knownOptions(options: { key: Record<string, unknown>; alias: Record<string, string[]> }): Set<string> {
  const known = new Set<string>();
  for (const key of Object.keys(options.key)) known.add(key);
  for (const [key, aliases] of Object.entries(options.alias)) for (const a of [key, ...aliases]) known.add(a);
  return known;
}

/** The command yargs is running, from what it parsed. */
function commandOf(parsed: Record<string, unknown>): string | undefined {
  const word = (parsed['_'] as unknown[] | undefined)?.[0];
  return typeof word === 'string' ? word : undefined;
}
