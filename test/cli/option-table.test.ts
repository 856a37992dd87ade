import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { format } from 'node:util';
import t from 'tap';
import yargs from 'yargs';
import type { CliContext } from '../../src/cli/cli-context.js';
import { main } from '../../src/cli/main.js';
import {
  COMMAND_OPTIONS,
  COMMANDS,
  type CommandName,
  OPTIONS,
  type OptionName,
  type OptionSpec,
} from '../../src/cli/option-table.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { colors } from '../../src/report/colors.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { optionTableMarkdown } from '../fixtures/option-table-markdown.js';

// One options table: each option defined once, with one meaning, one alias everywhere; the README's table is it; each
// command declares exactly its row of it, and its help shows examples and its exit codes.

const context = (): CliContext => ({
  stdout: new PassThrough(),
  stderr: new PassThrough(),
  colorsOut: colors(false),
  colorsErr: colors(false),
  cleanup: new CleanupStack(),
});

/** What a command line prints through console.log (yargs' help), run in this process. */
async function printed(argv: string[]): Promise<string> {
  const saved = console.log;
  let out = '';
  console.log = (...values: unknown[]) => {
    out += `${format(...values)}\n`;
  };
  try {
    await main(argv, context());
  } finally {
    console.log = saved;
  }
  return out;
}

t.test("the README's options table is the option table", async (t) => {
  const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n| option | alias | commands | meaning | default |\n');
  t.not(start, -1, 'the README has the table');
  const end = readme.indexOf('\n\n', start + 1);
  t.equal(readme.slice(start + 1, end), optionTableMarkdown());
});

t.test('one name, one alias: no alias is given twice, -f is --format wherever it is', async (t) => {
  const specs = Object.entries(OPTIONS) as [OptionName, OptionSpec][];
  const aliases = specs.flatMap(([, s]) => (s.alias ? [s.alias] : []));
  t.same(aliases.length, new Set(aliases).size, `aliases: ${aliases.join(', ')}`);
  t.equal(OPTIONS.format.alias, 'f');
  t.notOk(aliases.includes('h'), '-h is help');
  for (const c of COMMANDS) {
    const names: readonly OptionName[] = COMMAND_OPTIONS[c];
    t.equal(names.length, new Set(names).size, `${c} lists each option once`);
  }
});

t.test('each command declares exactly its options from the table', async (t) => {
  const { testCommand } = await import('../../src/cli/commands/test-command.js');
  const { snapshotCommand } = await import('../../src/cli/commands/snapshot-command.js');
  const { drillCommand } = await import('../../src/cli/commands/drill-command.js');
  const { planCommand } = await import('../../src/cli/commands/plan-command.js');
  const { demoCommand } = await import('../../src/cli/commands/demo-command.js');
  const { cleanupCommand } = await import('../../src/cli/commands/cleanup-command.js');
  const { networksCommand } = await import('../../src/cli/commands/networks-command.js');
  const { validateCommand } = await import('../../src/cli/commands/validate-command.js');
  const { schemaCommand } = await import('../../src/cli/commands/schema-command.js');
  const { imageCommand } = await import('../../src/cli/commands/image-command.js');
  const noop = () => undefined;
  const ctx = context();
  const commands = [
    testCommand(ctx, noop),
    snapshotCommand(ctx, noop),
    drillCommand(ctx, noop),
    planCommand(ctx),
    demoCommand(ctx, noop),
    cleanupCommand(ctx, noop),
    networksCommand(ctx, noop),
    validateCommand(ctx, noop),
    schemaCommand(ctx),
    imageCommand(ctx),
  ];
  t.same(
    commands.map((c) => String(c.command).split(' ')[0]),
    COMMANDS,
  );
  for (const c of commands) {
    const name = String(c.command).split(' ')[0] as CommandName;
    const positionals = [...String(c.command).matchAll(/[<[](\w+)/g)].map((m) => m[1]!);
    const built = (c.builder as (y: ReturnType<typeof yargs>) => ReturnType<typeof yargs>)(yargs([])) as unknown as {
      getOptions(): { key: Record<string, unknown>; number: string[]; array: string[] };
    };
    const options = built.getOptions();
    // yargs lists an alias as a key of its own.
    const declared = Object.keys(options.key).filter(
      (k) => k.length > 1 && !['help', 'version', ...positionals].includes(k),
    );
    t.same(declared, COMMAND_OPTIONS[name], `${name}: its options, in the table's order`);
    for (const key of declared as OptionName[]) {
      const spec: OptionSpec = OPTIONS[key];
      t.equal(options.number.includes(key), spec.kind === 'count', `${name} --${key}: a number only if it is one`);
      t.equal(options.array.includes(key), spec.kind === 'list', `${name} --${key}: a list only if it is one`);
    }
  }
});

t.test("every command's help: two or three examples, and its exit codes", async (t) => {
  for (const command of COMMANDS) {
    const help = await printed([command, '--help']);
    const examples = help.split('\nExamples:\n')[1]?.split('\n\n')[0] ?? '';
    const count = examples.split('\n').filter((l) => l.startsWith('  dockprobe ') || l.startsWith('  cat ')).length;
    t.ok(count >= 2 && count <= 3, `${command}: ${count} examples`);
    t.match(help, /\nExit codes: 0 /, `${command}: the exit codes`);
  }
  const top = await printed(['--help']);
  t.match(top, /\nExamples:\n {2}dockprobe /, 'the top-level help too');
  t.match(top, /\nExit codes: 0 all pass/);
});

t.test('numbers are numbers: shown so, refused as typed, given to the command as numbers', async (t) => {
  const help = await printed(['test', '--help']);
  t.match(help, /--concurrency +Checks each probe has in flight at once[^\n]*\n?[^\n]*\[number\] \[default: 32\]/);
  t.notMatch(help, /\[default: "32"\]/);
  for (const typed of ['0x10', '1e3', 'many', '0'])
    await t.rejects(main(['test', 'scenarios/reference.yml', '--concurrency', typed], context()), {
      code: 'DP_USAGE',
      message: `--concurrency must be a whole number from 1 to 1024, got '${typed}'`,
    });
  await t.rejects(main(['drill', '--all', '--attempts', '0'], context()), {
    code: 'DP_USAGE',
    message: "--attempts must be a whole number from 1 to 11, got '0'",
  });
  await t.rejects(main(['test', 'scenarios/reference.yml', '--timeout', '2'], context()), {
    code: 'DP_USAGE',
    message: "--timeout must be a duration from 1ms to 10m, got '2'",
    hint: /500ms, 2s, 1m/,
  });
});

t.test('a value option without its value: exit 2 naming it, never the next option taken as the value', async (t) => {
  await t.rejects(main(['test', 'scenarios/reference.yml', '--image', '--quiet'], context()), {
    code: 'DP_USAGE',
    message: '--image needs a value',
  });
  await t.rejects(main(['snapshot', 'scenarios/reference.yml'], context()), {
    code: 'DP_USAGE',
    message: '--write is required for dockprobe snapshot',
  });
  await t.rejects(main(['test', 'scenarios/reference.yml', '--json', '-'], context()), {
    code: 'DP_USAGE',
    message: "--json takes a value, got '-'",
  });
});
