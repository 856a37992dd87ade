import yargs from 'yargs';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { VERSION } from '../package-paths.js';
import type { CliContext } from './cli-context.js';
import { cleanupCommand } from './commands/cleanup-command.js';
import { demoCommand } from './commands/demo-command.js';
import { drillCommand } from './commands/drill-command.js';
import { imageCommand } from './commands/image-command.js';
import { networksCommand } from './commands/networks-command.js';
import { planCommand } from './commands/plan-command.js';
import { schemaCommand } from './commands/schema-command.js';
import { snapshotCommand } from './commands/snapshot-command.js';
import { testCommand } from './commands/test-command.js';
import { validateCommand } from './commands/validate-command.js';
import { ExitCode } from './exit-code.js';
import { helpWidth } from './precomputed-output.js';

/**
 * `--timeout 1s --timeout 2s` reaches yargs as a list that no single-valued option expects (it once surfaced as an
 * "internal error … is not a function", or ran everything and printed no report): refuse it, naming the values.
 * Which options are lists is each command's own decision (`array: true` where it declares them: `test --project` is
 * a list, `plan --project` one name), read from the parser of the command being run; variadic positionals
 * (`validate <files..>`) are lists too.
 */
export function rejectRepeated(args: Record<string, unknown>, lists: readonly string[]): void {
  const repeatable = new Set([...lists, '_', 'files', '$0']);
  for (const [key, value] of Object.entries(args)) {
    // yargs keeps each option under its name, its camelCase name and its aliases: check the dashed or long name.
    if (!Array.isArray(value) || repeatable.has(key) || key.length === 1 || /[A-Z]/.test(key)) continue;
    const several = [...new Set(lists.filter((k) => k.length > 1))].map((k) => `--${k}`);
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `--${key} was given ${value.length} times (${value.map((v) => `'${String(v)}'`).join(', ')}); give it once`,
      {
        hint:
          several.length > 0
            ? `here only ${several.join(', ')} take${several.length === 1 ? 's' : ''} several values`
            : 'no option of this command takes several values',
      },
    );
  }
}

/**
 * Parses the command line and runs one command. Returns the exit code it chose; throws DockprobeError for usage,
 * input and infrastructure errors (bin turns those into a message and an exit code).
 */
export async function main(argv: string[], context: CliContext): Promise<number> {
  let exitCode: number = ExitCode.PASS;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const parser = yargs(argv)
    .scriptName('dockprobe')
    .usage("$0 <command> [options]\n\nProve a Docker deployment's network isolation by trying it.")
    .command(testCommand(context, setExit))
    .command(snapshotCommand(context, setExit))
    .command(drillCommand(context, setExit))
    .command(planCommand(context))
    .command(demoCommand(context, setExit))
    .command(cleanupCommand(context, setExit))
    .command(networksCommand(context, setExit))
    .command(validateCommand(context))
    .command(schemaCommand(context))
    .command(imageCommand(context))
    .demandCommand(1, 'name a command: test, drill, snapshot, plan, demo, cleanup, networks, validate, schema or image')
    // Before any handler: an option given twice is refused with its values, unless it is a list by design.
    // yargs passes its parser, in the running command's context, as the second argument; @types/yargs (17) omits it.
    .middleware(
      ((args: Record<string, unknown>, parser: { getOptions(): { array: string[] } }) =>
        rejectRepeated(args, parser.getOptions().array)) as unknown as (args: Record<string, unknown>) => void,
      true,
    )
    .strict()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .wrap(helpWidth(process.stdout.columns))
    .epilogue(
      'Exit codes: 0 all pass, 1 a mismatch, 2 usage or scenario error, 3 inconclusive or infrastructure error.',
    )
    .fail((message, error) => {
      if (error) throw error;
      throw new DockprobeError(ErrorCodes.USAGE, message ?? 'invalid command line', {
        hint: 'dockprobe --help lists commands and options',
      });
    })
    .exitProcess(false);
  await parser.parseAsync();
  return exitCode;
}
