import t from 'tap';
import yargs from 'yargs';
import { main } from '../../src/cli/main.js';
import { COMMAND_OPTIONS, optionFor } from '../../src/cli/option-table.js';
import { withOptions } from '../../src/cli/with-options.js';
import { colors } from '../../src/report/colors.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { declaredCommands } from '../fixtures/cli-commands.js';

// A single-valued option given twice once surfaced as "internal error … is not a function" (exit 3), or ran every
// check and printed no report: it is a usage error (exit 2) before anything runs, naming the values.

const context = {
  stdout: process.stdout,
  stderr: process.stderr,
  colorsOut: colors(false),
  colorsErr: colors(false),
  cleanup: new CleanupStack(),
};

const twice: [string, string[]][] = [
  ['timeout', ['test', 's.yml', '--timeout', '1s', '--timeout', '2s']],
  ['dns-upstream', ['test', 's.yml', '--dns-upstream', 'inherit', '--dns-upstream', '10.0.0.53']],
  ['format', ['test', 's.yml', '--format', 'json', '--format', 'tap']],
  ['retries', ['test', 's.yml', '--retries', '1', '--retries', '2']],
  ['repeat', ['demo', '--repeat', '1', '--repeat', '2']],
  ['probe-grace', ['demo', '--probe-grace', '1s', '--probe-grace', '2s']],
  ['engine-timeout', ['cleanup', '--engine-timeout', '1s', '--engine-timeout', '2s']],
  ['run', ['cleanup', '--run', 'a', '--run', 'b']],
  ['image', ['test', 's.yml', '--image', 'a', '--image', 'b']],
  ['json', ['test', 's.yml', '--json', 'a.json', '--json', 'b.json']],
];

for (const [option, argv] of twice) {
  t.test(`--${option} twice is a usage error naming the values`, async (t) => {
    await t.rejects(main(argv, context), {
      code: 'DP_USAGE',
      message: new RegExp(`^--${option} was given 2 times \\('`),
    });
  });
}

t.test('--internet is a list: repeated and comma-separated values add up', async (t) => {
  // It fails later, on the missing file: the repetition itself passed.
  await t.rejects(
    main(['test', 'missing.yml', '--internet', 'tcp://192.0.2.1:443', '--internet', 'dns:a.example'], context),
    { code: 'DP_SCENARIO_INVALID' },
  );
});

t.test(
  '--project is a list: repeated and comma-separated values add up; one that names nothing, or a name twice, is refused',
  async (t) => {
    // It fails later, on the missing file: the list itself passed. (--project was single-valued before swarm stacks.)
    await t.rejects(main(['test', 'missing.yml', '--project', 'infra', '--project', 'app,web'], context), {
      code: 'DP_SCENARIO_INVALID',
    });
    await t.rejects(main(['test', 'missing.yml', '--project', ','], context), {
      code: 'DP_USAGE',
      message: "--project must name a Compose project or swarm stack, got ','",
    });
    await t.rejects(main(['test', 'missing.yml', '-p', 'a', '-p', 'b,a'], context), {
      code: 'DP_USAGE',
      message: "--project names 'a' twice (got 'a', 'b,a')",
    });
  },
);

// Every option of every command, read from the command's own declaration: a value option given twice is refused
// before anything runs, unless the command declares it a list; a list option given twice gets past the check.
t.test(
  'every value option of every command: given twice, exit 2 naming it, unless the command makes it a list',
  async (t) => {
    const positional: Record<string, string[]> = { snapshot: ['s.yml'], image: ['build'] };
    let refused = 0;
    let lists = 0;
    for (const { name, options } of declaredCommands()) {
      const values = Object.keys(options.key).filter(
        (k) =>
          k.length > 1 &&
          !/[A-Z]/.test(k) &&
          !options.boolean.includes(k) &&
          !['help', 'version', 'files', 'action'].includes(k),
      );
      for (const key of values) {
        if (options.array.includes(key)) {
          // Parsed and converted as the command's own middleware does, with no handler: a list's command would
          // otherwise run for real on whatever engine answers.
          lists++;
          const required = COMMAND_OPTIONS[name]
            .filter((o) => o !== key && optionFor(o, name).required)
            .flatMap((o) => [`--${o}`, 'x']);
          const parsed = withOptions(
            yargs([`--${key}`, 'one', `--${key}`, 'two', ...required]).fail(false),
            name,
          ).parseSync() as Record<string, unknown>;
          t.same(parsed[key], ['one', 'two'], `${name} --${key} is a list`);
        } else {
          const argv = [name, ...(positional[name] ?? []), `--${key}`, 'one', `--${key}`, 'two'];
          const error = await main(argv, context).then(
            () => undefined,
            (e: { code?: string; message?: string }) => e,
          );
          refused++;
          t.match(
            error,
            { code: 'DP_USAGE', message: new RegExp(`^--${key} was given 2 times \\('one', 'two'\\); give it once$`) },
            `${name} --${key}`,
          );
        }
      }
    }
    t.ok(refused > 40 && lists > 8, `${refused} single-valued options refused, ${lists} lists let through`);
  },
);

t.test('infer --project is a list as everywhere, and infer infers from one project: two are refused', async (t) => {
  await t.rejects(main(['infer', '--file', 'compose.yml', '--project', 'a', '--project', 'b'], context), {
    code: 'DP_USAGE',
    message: 'infer infers from one project, got --project a,b',
  });
});

t.test('a flag given twice keeps its last value, as yargs has it: --keep --no-keep is no keep', async (t) => {
  const parsed = withOptions(yargs(['--verbose', '--verbose', '--keep', '--no-keep']), 'demo').parseSync();
  t.same([parsed.verbose, parsed.keep], [true, false]);
});
