import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import yargs from 'yargs';
import type { CliContext } from '../../src/cli/cli-context.js';
import { drillCommand, drillOptionsFrom } from '../../src/cli/commands/drill-command.js';
import { main } from '../../src/cli/main.js';
import { colors } from '../../src/report/colors.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { runTraced } from '../fixtures/traced-cli.js';

// `dockprobe drill`: its options reach the library typed and validated, and every wrong command line is a usage
// error naming what was received, before the engine is asked anything (no Docker is reachable here).

const context: CliContext = {
  stdout: process.stdout,
  stderr: process.stderr,
  colorsOut: colors(false),
  colorsErr: colors(false),
  cleanup: new CleanupStack(),
};
const parse = (...args: string[]) => {
  const command = drillCommand(context, () => undefined);
  return (command.builder as (y: ReturnType<typeof yargs>) => ReturnType<typeof yargs>)(yargs(args))
    .strict()
    .exitProcess(false)
    .parseSync() as never;
};

t.test('options reach the library typed: defaults left to the library, values validated', async (t) => {
  const defaults = drillOptionsFrom(parse('--from', 'proxy'), context);
  t.match(defaults, {
    from: { kind: 'service', service: 'proxy' },
    hostPorts: true,
    concurrency: 32,
    connectConcurrency: 128,
    lookupConcurrency: 64,
    retries: 0,
    probesAtOnce: 16,
    maxChecks: 10000,
  });
  t.notOk(
    'ports' in defaults || 'internet' in defaults || 'timeoutMs' in defaults || 'project' in defaults,
    'unset options stay unset: the library has the defaults',
  );
  const set = drillOptionsFrom(
    parse(
      '--all',
      '-p',
      'shop,infra',
      '--ports',
      'default,8443',
      '--ports',
      '9',
      '--no-host-ports',
      '--internet',
      'none',
      '-t',
      '500ms',
      '--concurrency',
      '64',
      '--attempts',
      '2',
      '--probes',
      '4',
      '--max-checks',
      '500',
    ),
    context,
  );
  t.match(set, {
    from: { kind: 'all' },
    project: ['shop', 'infra'],
    hostPorts: false,
    internet: [],
    timeoutMs: 500,
    concurrency: 64,
    retries: 1,
    probesAtOnce: 4,
    maxChecks: 500,
  });
  t.ok(set.ports?.includes(8443) && set.ports.includes(9) && set.ports.includes(2375));
  t.throws(() => drillOptionsFrom(parse('--from', 'proxy', '--probes', '0'), context), {
    code: 'DP_USAGE',
    message: "--probes must be a whole number from 1 to 256, got '0'",
  });
  t.throws(
    () => drillOptionsFrom(parse('--from', 'proxy', '--internet', 'none', '--internet', 'dns:a.example'), context),
    { code: 'DP_USAGE', message: "--internet 'none' stands alone (egress not tried), got 'none', 'dns:a.example'" },
  );
});

const usage: [string, string[], string | RegExp][] = [
  ['neither --from nor --all', ['drill'], 'drill needs --from SERVICE, --from network:NAME, --from lan or --all'],
  [
    'both --from and --all',
    ['drill', '--from', 'proxy', '--all'],
    "give --from or --all, not both (got --from 'proxy' and --all)",
  ],
  [
    'an unknown form of --from',
    ['drill', '--from', 'lan:eth0'],
    "--from must be SERVICE, network:NAME or lan, got 'lan:eth0'",
  ],
  ['--from twice', ['drill', '--from', 'a', '--from', 'b'], /^--from was given 2 times \('a', 'b'\)/],
  [
    'a port that is none',
    ['drill', '--all', '--ports', '22,ssh'],
    "--ports takes port numbers from 1 to 65535, 'default' or 'none'; got 'ssh' (in '22,ssh')",
  ],
  [
    'a timeout that is none',
    ['drill', '--all', '--timeout', 'soon'],
    "--timeout must be a duration from 1ms to 10m, got 'soon'",
  ],
  [
    'a format drill does not write',
    ['drill', '--all', '--format', 'tap'],
    "--format must be one of pretty, json, markdown, sarif, github, got 'tap'",
  ],
  [
    'sarif without a baseline, whose differences are its findings',
    ['drill', '--all', '--format', 'sarif'],
    /--format sarif needs --baseline/,
  ],
  ['github without a baseline', ['drill', '--all', '--format', 'github'], /--format github needs --baseline/],
];
for (const [what, argv, message] of usage) {
  t.test(`${what}: a usage error before anything runs`, async (t) => {
    await t.rejects(main(argv, context), { code: 'DP_USAGE', message });
  });
}

t.test('drill --help: the options and exit codes, and no Docker client loaded', async (t) => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const help = await runTraced(
    process.execArgv.filter((a) => a.includes('@tapjs/typescript')),
    join(root, 'src', 'cli', 'bin.ts'),
    ['drill', '--help'],
    process.env,
    45_000,
  );
  t.equal(help.code, 0, help.stderr);
  t.match(help.stdout, /--from\s+Where to drill from: SERVICE/);
  t.match(help.stdout, /--max-checks/);
  t.match(help.stdout, /Exit codes: 0 the drill ran \(it judges nothing\)/);
  t.same(
    help.loaded.filter((m) =>
      /node_modules\/(dockerode|docker-modem|cli-table3|undici)\/|src\/(docker|pipeline|judge|topology\/world|drill\/(drill|plan-drill|pretty-drill-report)\.|run\/(?!cleanup-stack)|verify)/.test(
        m,
      ),
    ),
    [],
    'no Docker client, no pipeline',
  );
});
