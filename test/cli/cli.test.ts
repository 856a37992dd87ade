import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import yargs from 'yargs';
import { reportOptionsFrom, runOptionsFrom } from '../../src/cli/common-options.js';
import type { CliContext } from '../../src/cli/cli-context.js';
import { colors } from '../../src/report/colors.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { withOptions } from '../../src/cli/with-options.js';
import { runTraced, type TracedRun } from '../fixtures/traced-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'src', 'cli', 'bin.ts');
// The TypeScript loader tap runs this file with, so the child runs the CLI from source.
const tsLoader = process.execArgv.filter((a) => a.includes('@tapjs/typescript'));

/** Runs the CLI from source in a child process with no Docker reachable, recording the modules it loads. */
function cli(...args: string[]): Promise<TracedRun> {
  return runTraced(tsLoader, bin, args, process.env, 45_000);
}

/** Modules no command but the ones that talk to Docker or write reports may load. */
const heavy = (loaded: string[]) =>
  loaded.filter((m) =>
    /node_modules\/(dockerode|docker-modem|junit-report-builder|cli-table3|execa|undici)\/|src\/(docker|report\/(?!colors|escape-control)|run\/(?!cleanup-stack)|verify|demo)/.test(
      m,
    ),
  );
const zod = (loaded: string[]) => loaded.filter((m) => m.includes('node_modules/zod/'));

t.test('an error quoting a name with ESC or BEL shows them, never sends them raw to the terminal', async (t) => {
  const dir = t.testdir({
    'esc.yml': 'project: p\nexpect:\n  - from: { network: a }\n    to: ["\\e[31mred \\a"]\n    reachable: true\n',
  });
  const run = await cli('validate', join(dir, 'esc.yml'));
  t.equal(run.code, 2, run.stderr);
  t.notOk(run.stderr.includes('\u0007') || run.stderr.includes('\u001b'), 'no raw ESC or BEL');
  t.match(run.stderr, "'\\x1b[31mred \\x07' is not a target");
});

t.test('each command loads only what it needs; output and exit codes as before', async (t) => {
  const dir = t.testdir({ 'bad.yml': 'expect:\n  - from: { network: a }\n    to: x:80\n    reachable: maybe\n' });
  const [help, validate, bad, schema, testHelp, unknown] = await Promise.all([
    cli('--help'),
    cli('validate', 'scenarios/reference.yml'),
    cli('validate', join(dir, 'bad.yml')),
    cli('schema'),
    cli('test', '--help'),
    cli('validate', 'scenarios/reference.yml', '--nope'),
  ]);

  t.equal(help.code, 0, help.stderr);
  t.match(help.stdout, /Commands:\n\s+dockprobe test \[files\.\.\]/);
  t.match(help.stdout, /Exit codes: 0 all pass/);
  t.same(heavy(help.loaded), [], '--help loads no Docker client, report writer or pipeline');
  t.same(zod(help.loaded), [], '--help loads no zod');
  t.ok(
    help.loaded.some((m) => m.includes('src/cli/main')),
    'the trace sees the CLI modules',
  );

  t.equal(validate.code, 0, validate.stderr);
  t.match(validate.stdout, /^scenarios\/reference\.yml: ok \(\d+ expectations, \d+ targets\)\n$/);
  t.same(heavy(validate.loaded), [], 'validate loads no Docker client nor report writer');
  t.not(zod(validate.loaded).length, 0, 'validate still validates with zod');

  t.equal(bad.code, 2);
  t.match(
    bad.stderr,
    /dockprobe: error \[DP_SCENARIO_INVALID\] .*bad\.yml:4:16: 'expect\[0\]\.reachable' must be a boolean/,
  );

  t.equal(schema.code, 0, schema.stderr);
  t.match(JSON.parse(schema.stdout), {
    $id: 'https://dockprobe.dev/schema/scenario-v1.json',
    title: 'dockprobe scenario',
  });
  t.same(heavy(schema.loaded), [], 'schema loads no Docker client nor report writer');

  t.equal(testHelp.code, 0, testHelp.stderr);
  t.match(testHelp.stdout, /--dns-upstream/);
  t.same(heavy(testHelp.loaded), [], 'test --help loads no Docker client');

  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /dockprobe: error \[DP_USAGE\] unknown option --nope for dockprobe validate/);
});

t.test('networks --help: the options and exit codes, and no Docker client loaded', async (t) => {
  const help = await cli('networks', '--help');
  t.equal(help.code, 0, help.stderr);
  t.match(help.stdout, /--stale/);
  t.match(help.stdout, /--remove-own/);
  t.match(help.stdout, /Exit codes: 0 nothing stale is left/);
  t.same(heavy(help.loaded), [], 'networks --help loads no Docker client');
});

t.test('probing options reach the library typed and validated, from a real parse', async (t) => {
  const context: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    colorsOut: colors(false),
    colorsErr: colors(false),
    cleanup: new CleanupStack(),
  };
  const parse = (...args: string[]) => withOptions(yargs(args), 'demo').strict().exitProcess(false).parseSync();

  const defaults = runOptionsFrom(parse(), context);
  t.match(defaults, { retries: 0, repeat: 1, cleanup: context.cleanup });
  // The grace default lives once, in the library (DEFAULT_PROBE_GRACE_MS): the CLI passes nothing unless told.
  t.notOk(
    'timeoutMs' in defaults ||
      'image' in defaults ||
      'dnsUpstream' in defaults ||
      'internet' in defaults ||
      'probeGraceMs' in defaults,
    'unset options stay unset',
  );
  t.same(reportOptionsFrom(parse()), {
    format: 'pretty',
    json: undefined,
    junit: undefined,
    tap: undefined,
    verbose: false,
  });

  const argv = parse(
    '-t',
    '500ms',
    '--probe-grace',
    '2s',
    '--image',
    'img:1',
    '--dns-upstream',
    'inherit',
    '--internet',
    'tcp://192.0.2.1:443,dns:a.example',
    '--internet',
    'https://b.example/',
    '--retries',
    '2',
    '--repeat',
    '3',
    '-f',
    'json',
    '--junit',
    'j.xml',
    '-v',
    '-q',
  );
  t.match(runOptionsFrom(argv, context), {
    timeoutMs: 500,
    probeGraceMs: 2000,
    image: 'img:1',
    dnsUpstream: [],
    internet: ['tcp://192.0.2.1:443', 'dns:a.example', 'https://b.example/'],
    retries: 2,
    repeat: 3,
  });
  t.same(reportOptionsFrom(argv), { format: 'json', json: undefined, junit: 'j.xml', tap: undefined, verbose: true });

  t.throws(() => runOptionsFrom(parse('--probe-grace', 'later'), context), {
    code: 'DP_USAGE',
    message: "--probe-grace must be a duration from 1ms to 10m, got 'later'",
  });
  t.throws(() => runOptionsFrom(parse('--retries', '11'), context), {
    code: 'DP_USAGE',
    message: "--retries must be a whole number from 0 to 10, got '11'",
  });
});
