import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import t from 'tap';
import { main } from '../../src/cli/main.js';
import { COMMAND_OPTIONS, COMMANDS, OPTIONS, type OptionName, type OptionSpec } from '../../src/cli/option-table.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { declaredCommands, quietContext } from '../fixtures/cli-commands.js';
import { optionTableMarkdown } from '../fixtures/option-table-markdown.js';

// One options table: each option defined once, with one meaning, one alias everywhere; the table in docs/cli.md is
// it; each command declares exactly its row of it, and its help shows examples and its exit codes.

const context = quietContext;

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

t.test("docs/cli.md's options table is the option table", async (t) => {
  const page = readFileSync(join(PACKAGE_ROOT, 'docs/cli.md'), 'utf8');
  const start = page.indexOf('\n| option | alias | commands | meaning | default |\n');
  t.not(start, -1, 'docs/cli.md has the table');
  const end = page.indexOf('\n\n', start + 1);
  t.equal(page.slice(start + 1, end), optionTableMarkdown());
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
  const commands = declaredCommands();
  t.same(
    commands.map((c) => c.name),
    COMMANDS,
  );
  for (const { name, positionals, options } of commands) {
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
  for (const [option, max] of [
    ['--connect-concurrency', 4096],
    ['--lookup-concurrency', 16384],
  ] as const)
    await t.rejects(main(['test', 'scenarios/reference.yml', option, '0'], context()), {
      code: 'DP_USAGE',
      message: `${option} must be a whole number from 1 to ${max}, got '0'`,
    });
  // The drill takes the budget too.
  await t.rejects(main(['drill', '--all', '--connect-concurrency', '0'], context()), {
    code: 'DP_USAGE',
    message: "--connect-concurrency must be a whole number from 1 to 4096, got '0'",
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
