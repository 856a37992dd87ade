import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import t from 'tap';
import type { CliContext } from '../../src/cli/cli-context.js';
import { compileWithCodeCache } from '../../src/cli/code-cache.js';
import { main } from '../../src/cli/main.js';
import { precomputedOutput, yargsSpeaksEnglish } from '../../src/cli/precomputed-output.js';
import { colors } from '../../src/report/colors.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { scenarioJsonSchema } from '../../src/scenario/scenario-schema.js';
import { runTraced, type TracedRun } from '../fixtures/traced-cli.js';

// The command line users run is the bundle that package.json's `bin` names (scripts/bundle-cli.mjs, run by
// `npm run build` and `npm run test:unit`). It must behave as the source does; its `--help`, `--version` and
// `schema`, printed from the build, must be what the source prints, in every environment where it prints them.

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(
  root,
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { dockprobe: string } }).bin.dockprobe,
);
const LOCALE_VARS = ['LC_ALL', 'LC_MESSAGES', 'LANG', 'LANGUAGE'];

/**
 * Runs the bundle (or another bin.cjs) with these locale variables and no others, stdout a terminal of `columns`
 * (undefined: a pipe).
 */
function runBundle(
  args: string[],
  env: Record<string, string> = {},
  columns?: number,
  entry = bin,
): Promise<TracedRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !LOCALE_VARS.includes(k)));
  const preload = columns === undefined ? [] : [`--import=data:text/javascript,process.stdout.columns=${columns}`];
  return runTraced(preload, entry, args, { ...base, ...env }, 30_000);
}

/** What the command line prints on stdout, run from source in this process with this environment. */
async function sourceOutput(args: string[], env: Record<string, string> = {}, columns?: number): Promise<string> {
  const savedEnv = { ...process.env };
  const savedColumns = process.stdout.columns;
  const savedLog = console.log;
  let out = '';
  for (const k of LOCALE_VARS) delete process.env[k];
  Object.assign(process.env, env);
  process.stdout.columns = columns as number;
  // yargs prints help and version with console.log; commands write to the context's stdout.
  console.log = (...values: unknown[]) => {
    out += `${format(...values)}\n`;
  };
  const stdout = {
    write: (text: string) => {
      out += text;
      return true;
    },
  } as unknown as CliContext['stdout'];
  const context: CliContext = {
    stdout,
    stderr: process.stderr,
    colorsOut: colors(false),
    colorsErr: colors(false),
    cleanup: new CleanupStack(),
  };
  try {
    await main(args, context);
  } finally {
    console.log = savedLog;
    process.stdout.columns = savedColumns;
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  }
  return out;
}

t.before(() => {
  if (!existsSync(bin))
    throw new Error(`${relative(root, bin)} is missing: run \`node scripts/bundle-cli.mjs\` (or npm run build) first`);
});

t.test(
  '--help, --version and schema: the bundle prints what the source prints, by bin.cjs alone where it can',
  async (t) => {
    // bin.cjs without the rest of the bundle: what it prints on its own still comes out, anything else fails.
    const alone = join(t.testdir(), 'bin.cjs');
    copyFileSync(bin, alone);
    // [why, args, locale variables, terminal columns, printed without yargs]
    const cases: [string, string[], Record<string, string>, number | undefined, boolean][] = [
      ['no locale set, stdout a pipe', ['--help'], {}, undefined, true],
      ['-h', ['-h'], {}, undefined, true],
      ['--version', ['--version'], {}, undefined, true],
      ['schema', ['schema'], {}, undefined, true],
      ['schema in German', ['schema'], { LANG: 'de_DE.UTF-8' }, undefined, true],
      ['an 80-column terminal', ['--help'], {}, 80, true],
      ['a 110-column terminal', ['--help'], {}, 110, true],
      ['a wider terminal wraps at 110', ['--help'], {}, 200, true],
      ['a width the build did not compute', ['--help'], {}, 90, false],
      ['LC_ALL=C', ['--help'], { LC_ALL: 'C' }, undefined, true],
      ['LANG=POSIX', ['--help'], { LANG: 'POSIX' }, undefined, true],
      ['LANG=en_GB.UTF-8', ['--help'], { LANG: 'en_GB.UTF-8' }, undefined, true],
      ['LANGUAGE=en_US:en', ['--help'], { LANGUAGE: 'en_US:en' }, undefined, true],
      ['LC_ALL=C.UTF-8 wins over LANG=de_DE', ['--help'], { LC_ALL: 'C.UTF-8', LANG: 'de_DE.UTF-8' }, undefined, true],
      ['German', ['--help'], { LANG: 'de_DE.UTF-8' }, undefined, false],
      [
        'LC_MESSAGES=fr_FR wins over LANG=en_US',
        ['--help'],
        { LC_MESSAGES: 'fr_FR.UTF-8', LANG: 'en_US.UTF-8' },
        80,
        false,
      ],
      ["a command's help", ['test', '--help'], {}, undefined, false],
      ['--help with another option', ['--help', '--version'], {}, undefined, false],
    ];
    const runs = await Promise.all(cases.map(([, args, env, columns]) => runBundle(args, env, columns)));
    const runsAlone = await Promise.all(cases.map(([, args, env, columns]) => runBundle(args, env, columns, alone)));
    for (const [i, [why, args, env, columns, byBinAlone]] of cases.entries()) {
      const run = runs[i]!;
      t.equal(run.code, 0, `${why}: exit 0 ${run.stderr}`);
      t.equal(run.stdout, await sourceOutput(args, env, columns), `${why}: as the source prints it`);
      if (byBinAlone) t.same([runsAlone[i]!.code, runsAlone[i]!.stdout], [0, run.stdout], `${why}: by bin.cjs alone`);
      else t.not(runsAlone[i]!.code, 0, `${why}: not by bin.cjs alone`);
    }
    t.match(runs[cases.findIndex(([why]) => why === 'German')]!.stdout, /Kommandos:/, 'German is German');
  },
);

t.test('the bundle runs each command as the source does', async (t) => {
  const dir = t.testdir({ 'bad.yml': 'expect:\n  - from: { network: a }\n    to: x:80\n    reachable: maybe\n' });
  const [validate, bad, schema, unknown, noEngine] = await Promise.all([
    runBundle(['validate', 'scenarios/reference.yml']),
    runBundle(['validate', join(dir, 'bad.yml')]),
    runBundle(['schema']),
    runBundle(['validate', 'scenarios/reference.yml', '--nope']),
    runBundle(['test', 'scenarios/reference.yml', '--engine-timeout', '2s']),
  ]);
  const fromNodeModules = (run: TracedRun) => run.loaded.filter((m) => m.includes('node_modules'));
  // What the bundle holds; tap's own hooks in every child process come from node_modules too.
  const bundledFromNodeModules = (run: TracedRun) =>
    fromNodeModules(run).filter((m) => /node_modules\/(yargs|zod|yaml|picocolors)\//.test(m));

  t.equal(validate.code, 0, validate.stderr);
  t.match(validate.stdout, /^scenarios\/reference\.yml: ok \(4 expectations, 10 targets\)\n$/);
  t.same(bundledFromNodeModules(validate), [], 'validate: yargs, yaml and zod come from the bundle');

  t.equal(bad.code, 2);
  t.match(
    bad.stderr,
    /dockprobe: error \[DP_SCENARIO_INVALID\] .*bad\.yml:4:16: 'expect\[0\]\.reachable' must be a boolean/,
  );

  t.equal(schema.code, 0, schema.stderr);
  t.same(JSON.parse(schema.stdout), scenarioJsonSchema(), 'schema: what the library builds');
  t.equal(
    readFileSync(join(root, 'dist', 'scenario.schema.json'), 'utf8'),
    schema.stdout,
    'dist/scenario.schema.json: what schema prints',
  );

  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /dockprobe: error \[DP_USAGE\] unknown option --nope for dockprobe validate/);

  // dockerode stays in node_modules (native optional modules): the bundle requires it from there.
  t.equal(noEngine.code, 3, noEngine.stderr);
  t.match(noEngine.stderr, /dockprobe: error \[DP_DOCKER_UNAVAILABLE\]/);
  t.ok(
    fromNodeModules(noEngine).some((m) => m.includes('node_modules/dockerode/')),
    'dockerode from node_modules',
  );
});

t.test(
  'validate FILE… without yargs: what the full command line prints for valid files; anything else goes to it',
  async (t) => {
    const reference = readFileSync(join(root, 'scenarios', 'reference.yml'), 'utf8');
    const dir = t.testdir({
      // Names yargs could read as numbers or booleans: the full command line prints them as given.
      '0x10': reference,
      '1e3': readFileSync(join(root, 'scenarios', 'perspectives.yml'), 'utf8'),
      true: reference,
      'a=b': reference,
      ' spaced': reference,
      'traefik.yml': 'expect:\n  - from: host\n    to: frontend:3000\n    reachable: true\ntraefik: { proxy: edge }\n',
      'bad.yml': 'expect:\n  - from: { network: a }\n    to: x:80\n    reachable: maybe\n',
      // A map key that is itself a list: yaml warns (once), and the key is unknown.
      'list-key.yml': 'expect:\n  - from: { network: a }\n    to: x:80\n    reachable: true\n    ? [a, b]\n    : 1\n',
      // bin.cjs and validate without yargs, and no full command line.
      fast: {},
    });
    const valid = ['0x10', '1e3', 'true', 'a=b', ' spaced', 'traefik.yml'];
    const cli = (entry: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) =>
      spawnSync(process.execPath, [entry, ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', ...options.env },
        input: options.input,
      });

    // What the full command line prints, from source, in the same directory.
    process.chdir(dir);
    let full: string;
    try {
      full = await sourceOutput(['validate', ...valid]);
    } finally {
      process.chdir(root);
    }
    t.match(full, /^0x10: ok \(4 expectations, 10 targets\)\n1e3: ok \(6 expectations/);
    t.match(full, /traefik\.yml: ok \(1 expectation, 1 target, the Traefik routes of edge\)\n$/);
    const fast = cli(bin, ['validate', ...valid]);
    t.same(
      [fast.status, fast.stdout, fast.stderr],
      [0, full, ''],
      'the bundle prints what the full command line prints',
    );

    // Valid files need nothing but bin.cjs and the validate bundle; anything else needs the full command line.
    for (const f of readdirSync(dirname(bin)).filter((f) => f.startsWith('bin.') || f.startsWith('validate-files-')))
      copyFileSync(join(dirname(bin), f), join(dir, 'fast', f));
    const alone = (args: string[]) => cli(join(dir, 'fast', basename(bin)), ['validate', ...args]);
    // A source whose placement limits its targets (from: host, from: lan) is checked by the full command line.
    const placed = ['1e3', 'traefik.yml'];
    const plain = valid.filter((f) => !placed.includes(f));
    const validAlone = alone(plain);
    t.same(
      [validAlone.status, validAlone.stdout],
      [0, cli(bin, ['validate', ...plain]).stdout],
      'valid files: without the full command line',
    );
    t.not(alone(placed).status, 0, 'from: host or lan: the full command line, missing here');
    t.not(alone(['bad.yml']).status, 0, 'an invalid file: the full command line, missing here');
    t.not(alone(['0x10', '--strict']).status, 0, 'an option: the full command line, missing here');

    // Left to the full command line: as it always reported them.
    const bad = cli(bin, ['validate', '0x10', 'bad.yml']);
    t.equal(bad.status, 2);
    t.equal(bad.stdout, '0x10: ok (4 expectations, 10 targets)\n', 'the valid file before it, printed once');
    t.match(
      bad.stderr,
      /^dockprobe: error \[DP_SCENARIO_INVALID\] bad\.yml:4:16: 'expect\[0\]\.reachable' must be a boolean/,
    );
    const listKey = cli(bin, ['validate', 'list-key.yml']);
    t.equal(listKey.status, 2);
    t.match(listKey.stderr, /unknown key '\[ a, b \]' in 'expect\[0\]'/);
    t.equal(
      listKey.stderr.match(/Keys with collection values will be stringified/g)?.length,
      1,
      "yaml's warning, once",
    );
    const logTokens = cli(bin, ['validate', '0x10'], { env: { LOG_TOKENS: '1' } });
    t.equal(logTokens.stdout.match(/^\| "project"$/gm)?.length, 1, "yaml's own debugging output, once");
    t.match(logTokens.stdout, /\n0x10: ok \(4 expectations, 10 targets\)\n$/);
    if (process.platform !== 'win32') {
      // A pipe: read once, by the full command line.
      const piped = spawnSync('sh', ['-c', 'cat 0x10 | "$0" "$1" validate /dev/stdin', process.execPath, bin], {
        cwd: dir,
        encoding: 'utf8',
      });
      t.same(
        [piped.status, piped.stdout, piped.stderr],
        [0, '/dev/stdin: ok (4 expectations, 10 targets)\n', ''],
        'a pipe',
      );
    }
  },
);

t.test('the code caches the build wrote are accepted: V8 compiles little of the command line again', async (t) => {
  const dir = dirname(bin);
  for (const name of ['run-cli', 'validate-files']) {
    const bundles = readdirSync(dir).filter((f) => new RegExp(`^${name}-.+\\.cjs$`).test(f));
    t.equal(bundles.length, 1, `one ${name} bundle in ${relative(root, dir)}: ${bundles.join(', ')}`);
    t.ok(existsSync(join(dir, `${bundles[0]}.cache`)), `${name}: its code cache`);
    t.equal(compileWithCodeCache(join(dir, bundles[0]!)).cachedDataRejected, false, `${name}: accepted`);
  }
});

t.test('every package the bundle leaves in node_modules loads from where the bundle is', async (t) => {
  const dir = dirname(bin);
  const requiredBy = (pattern: RegExp) => {
    const bundle = readdirSync(dir).find((f) => pattern.test(f))!;
    return new Set(
      [...readFileSync(join(dir, bundle), 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)]
        .map((m) => m[1]!)
        .filter((name) => !isBuiltin(name)),
    );
  };
  const required = requiredBy(/^run-cli-.+\.cjs$/);
  t.same(
    [...required].sort(),
    ['cli-table3', 'dockerode', 'execa', 'junit-report-builder', 'prom-client', 'smol-toml', 'tar-stream', 'undici'],
    'the commands that talk to Docker or write reports (or serve metrics) load these when they run',
  );
  // bin.cjs's require() is the one the bundles get (src/cli/code-cache.ts).
  const requireFromBin = createRequire(bin);
  for (const name of required) t.ok(requireFromBin(name), name);
  t.same([...requiredBy(/^validate-files-.+\.cjs$/)], [], 'validate without yargs: everything it runs is bundled');
});

t.test('which environments yargs prints English in', async (t) => {
  t.ok(yargsSpeaksEnglish({}), 'nothing set: yargs assumes en_US');
  for (const locale of ['en', 'en_US.UTF-8', 'en_GB', 'C', 'C.UTF-8', 'POSIX'])
    t.ok(yargsSpeaksEnglish({ LANG: locale }), locale);
  for (const locale of ['de_DE.UTF-8', 'pt_BR', 'fr', 'eng', 'enx'])
    t.notOk(yargsSpeaksEnglish({ LANG: locale }), locale);
  t.notOk(yargsSpeaksEnglish({ LC_ALL: 'de_DE', LANG: 'en_US' }), 'LC_ALL first');
  t.ok(yargsSpeaksEnglish({ LC_ALL: '', LANG: 'en_US' }), 'an empty variable is unset');
  // en_* reads en.json only while yargs has no file of its own for a regional English.
  const locales = join(dirname(createRequire(import.meta.url).resolve('yargs')), 'locales');
  t.same(
    readdirSync(locales).filter((f) => /^en[._]/.test(f)),
    ['en.json'],
    `yargs' English translations (${locales})`,
  );
});

t.test('precomputed output: only the exact command lines it was computed for', async (t) => {
  const json = JSON.stringify({
    version: '9.9.9\n',
    help: { 100: 'help at 100\n', 110: 'help at 110\n' },
    schema: '{}\n',
  });
  const columns = (n: number | undefined) => () => n;
  // The terminal's width is asked for --help only: reading it makes process.stdout.
  const notAsked = () => {
    throw new Error('the width was asked for');
  };
  t.equal(precomputedOutput(['--version'], {}, notAsked, json), '9.9.9\n');
  t.equal(precomputedOutput(['schema'], { LANG: 'ja_JP.UTF-8' }, notAsked, json), '{}\n');
  t.equal(precomputedOutput(['schema', '--help'], {}, notAsked, json), undefined);
  t.equal(precomputedOutput(['validate', 'scenarios/reference.yml'], {}, notAsked, json), undefined);
  t.equal(precomputedOutput(['--help'], {}, columns(undefined), json), 'help at 100\n');
  t.equal(precomputedOutput(['-h'], {}, columns(300), json), 'help at 110\n');
  t.equal(precomputedOutput(['--help'], {}, columns(80), json), undefined, 'no text for 80 columns');
  t.equal(precomputedOutput(['--help'], { LANG: 'ja_JP.UTF-8' }, columns(undefined), json), undefined);
  t.equal(precomputedOutput(['--version'], { LANG: 'ja_JP.UTF-8' }, notAsked, json), '9.9.9\n', 'a version is no word');
  t.equal(precomputedOutput(['--help', '-h'], {}, columns(undefined), json), undefined);
  t.equal(precomputedOutput([], {}, columns(undefined), json), undefined);
  t.equal(precomputedOutput(['--help'], {}, columns(undefined)), undefined, 'run from source: nothing is precomputed');
});
