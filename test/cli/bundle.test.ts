import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, relative } from 'node:path';
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
const bin = join(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { dockprobe: string } }).bin.dockprobe);
const LOCALE_VARS = ['LC_ALL', 'LC_MESSAGES', 'LANG', 'LANGUAGE'];

/**
 * Runs the bundle (or another bin.js) with these locale variables and no others, stdout a terminal of `columns`
 * (undefined: a pipe).
 */
function runBundle(args: string[], env: Record<string, string> = {}, columns?: number, entry = bin): Promise<TracedRun> {
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
  const context: CliContext = { stdout, stderr: process.stderr, colorsOut: colors(false), colorsErr: colors(false), cleanup: new CleanupStack() };
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
  if (!existsSync(bin)) throw new Error(`${relative(root, bin)} is missing: run \`node scripts/bundle-cli.mjs\` (or npm run build) first`);
});

t.test('--help, --version and schema: the bundle prints what the source prints, by bin.js alone where it can', async (t) => {
  // bin.js without the rest of the bundle: what it prints on its own still comes out, anything else fails.
  const alone = join(t.testdirName, 'bin.js');
  t.testdir({ 'package.json': '{ "type": "module" }' });
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
    ['LC_MESSAGES=fr_FR wins over LANG=en_US', ['--help'], { LC_MESSAGES: 'fr_FR.UTF-8', LANG: 'en_US.UTF-8' }, 80, false],
    ['a command\'s help', ['test', '--help'], {}, undefined, false],
    ['--help with another option', ['--help', '--version'], {}, undefined, false],
  ];
  const runs = await Promise.all(cases.map(([, args, env, columns]) => runBundle(args, env, columns)));
  const runsAlone = await Promise.all(cases.map(([, args, env, columns]) => runBundle(args, env, columns, alone)));
  for (const [i, [why, args, env, columns, byBinAlone]] of cases.entries()) {
    const run = runs[i]!;
    t.equal(run.code, 0, `${why}: exit 0 ${run.stderr}`);
    t.equal(run.stdout, await sourceOutput(args, env, columns), `${why}: as the source prints it`);
    if (byBinAlone) t.same([runsAlone[i]!.code, runsAlone[i]!.stdout], [0, run.stdout], `${why}: by bin.js alone`);
    else t.not(runsAlone[i]!.code, 0, `${why}: not by bin.js alone`);
  }
  t.match(runs[cases.findIndex(([why]) => why === 'German')]!.stdout, /Kommandos:/, 'German is German');
});

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
  const bundledFromNodeModules = (run: TracedRun) => fromNodeModules(run).filter((m) => /node_modules\/(yargs|zod|yaml|picocolors)\//.test(m));

  t.equal(validate.code, 0, validate.stderr);
  t.match(validate.stdout, /^scenarios\/reference\.yml: ok \(4 expectations, 10 targets\)\n$/);
  t.same(bundledFromNodeModules(validate), [], 'validate: yargs, yaml and zod come from the bundle');

  t.equal(bad.code, 2);
  t.match(bad.stderr, /dockprobe: error \[DP_SCENARIO_INVALID\] .*bad\.yml:4:16: 'expect\[0\]\.reachable' must be a boolean/);

  t.equal(schema.code, 0, schema.stderr);
  t.same(JSON.parse(schema.stdout), scenarioJsonSchema(), 'schema: what the library builds');
  t.equal(readFileSync(join(root, 'dist', 'scenario.schema.json'), 'utf8'), schema.stdout, 'dist/scenario.schema.json: what schema prints');

  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /dockprobe: error \[DP_USAGE\] Unknown argument: nope/);

  // dockerode stays in node_modules (native optional modules): the bundle requires it from there.
  t.equal(noEngine.code, 3, noEngine.stderr);
  t.match(noEngine.stderr, /dockprobe: error \[DP_DOCKER_UNAVAILABLE\]/);
  t.ok(fromNodeModules(noEngine).some((m) => m.includes('node_modules/dockerode/')), 'dockerode from node_modules');
});

t.test('the code cache the build wrote is accepted: V8 compiles little of the command line again', async (t) => {
  const dir = dirname(bin);
  const bundles = readdirSync(dir).filter((f) => /^run-cli-.+\.cjs$/.test(f));
  t.equal(bundles.length, 1, `one CommonJS bundle in ${relative(root, dir)}: ${bundles.join(', ')}`);
  t.ok(existsSync(join(dir, `${bundles[0]}.cache`)), 'its code cache');
  t.equal(compileWithCodeCache(join(dir, bundles[0]!)).cachedDataRejected, false);
});

t.test('every package the bundle leaves in node_modules loads from where the bundle is', async (t) => {
  const dir = dirname(bin);
  const bundle = readdirSync(dir).find((f) => /^run-cli-.+\.cjs$/.test(f))!;
  const required = new Set([...readFileSync(join(dir, bundle), 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!).filter((name) => !isBuiltin(name)));
  t.same([...required].sort(), ['cli-table3', 'dockerode', 'execa', 'junit-report-builder', 'undici'], 'the commands that talk to Docker or write reports load these when they run');
  const requireFromBundle = createRequire(join(dir, bundle));
  for (const name of required) t.ok(requireFromBundle(name), name);
});

t.test('which environments yargs prints English in', async (t) => {
  t.ok(yargsSpeaksEnglish({}), 'nothing set: yargs assumes en_US');
  for (const locale of ['en', 'en_US.UTF-8', 'en_GB', 'C', 'C.UTF-8', 'POSIX']) t.ok(yargsSpeaksEnglish({ LANG: locale }), locale);
  for (const locale of ['de_DE.UTF-8', 'pt_BR', 'fr', 'eng', 'enx']) t.notOk(yargsSpeaksEnglish({ LANG: locale }), locale);
  t.notOk(yargsSpeaksEnglish({ LC_ALL: 'de_DE', LANG: 'en_US' }), 'LC_ALL first');
  t.ok(yargsSpeaksEnglish({ LC_ALL: '', LANG: 'en_US' }), 'an empty variable is unset');
  // en_* reads en.json only while yargs has no file of its own for a regional English.
  const locales = join(dirname(createRequire(import.meta.url).resolve('yargs')), 'locales');
  t.same(readdirSync(locales).filter((f) => /^en[._]/.test(f)), ['en.json'], `yargs' English translations (${locales})`);
});

t.test('precomputed output: only the exact command lines it was computed for', async (t) => {
  const json = JSON.stringify({ version: '9.9.9\n', help: { 100: 'help at 100\n', 110: 'help at 110\n' }, schema: '{}\n' });
  t.equal(precomputedOutput(['--version'], {}, undefined, json), '9.9.9\n');
  t.equal(precomputedOutput(['schema'], { LANG: 'ja_JP.UTF-8' }, 80, json), '{}\n');
  t.equal(precomputedOutput(['schema', '--help'], {}, undefined, json), undefined);
  t.equal(precomputedOutput(['--help'], {}, undefined, json), 'help at 100\n');
  t.equal(precomputedOutput(['-h'], {}, 300, json), 'help at 110\n');
  t.equal(precomputedOutput(['--help'], {}, 80, json), undefined, 'no text for 80 columns');
  t.equal(precomputedOutput(['--help'], { LANG: 'ja_JP.UTF-8' }, undefined, json), undefined);
  t.equal(precomputedOutput(['--version'], { LANG: 'ja_JP.UTF-8' }, undefined, json), '9.9.9\n', 'a version is no word');
  t.equal(precomputedOutput(['--help', '-h'], {}, undefined, json), undefined);
  t.equal(precomputedOutput([], {}, undefined, json), undefined);
  t.equal(precomputedOutput(['--help'], {}, undefined), undefined, 'run from source: nothing is precomputed');
});
