import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { execa } from 'execa';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import t from 'tap';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { BIN, upReferenceAndBroken } from './helpers.js';

// The GitHub Action's entry script (ci/github/entry.sh) run as the runner runs it: its inputs as INPUT_* variables,
// GITHUB_STEP_SUMMARY and GITHUB_OUTPUT as files, against the reference topology (passes) and its broken twin (fails).

t.setTimeout(150_000);
const ENTRY = join(PACKAGE_ROOT, 'ci', 'github', 'entry.sh');
const { reference, broken } = await upReferenceAndBroken(t, 'dptest-action');
const sarifSchema = JSON.parse(
  readFileSync(join(PACKAGE_ROOT, 'test', 'fixtures', 'sarif-2.1.0.schema.json'), 'utf8'),
) as object;
const validateSarif = new Ajv({ allErrors: true, strict: false }).compile(sarifSchema);

/** One run of the entry script in a fresh runner directory: its exit code, stdout, stderr, summary and outputs. */
async function runAction(inputs: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-action-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const summaryFile = join(dir, 'step-summary.md');
  const outputFile = join(dir, 'output');
  // What the runner leaves in the files before the step: the step appends, it never replaces.
  await writeFile(summaryFile, 'earlier step\n');
  await writeFile(outputFile, '');
  const result = await execa('bash', [ENTRY], {
    cwd: PACKAGE_ROOT,
    env: {
      ...process.env,
      NO_COLOR: '1',
      DOCKPROBE_CLI: `${process.execPath} ${BIN}`,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: outputFile,
      RUNNER_TEMP: dir,
      INPUT_JUNIT: join(dir, 'junit.xml'),
      INPUT_SARIF: join(dir, 'dockprobe.sarif'),
      ...inputs,
    },
    reject: false,
    timeout: 120_000,
    forceKillAfterDelay: 2000,
  });
  const outputs = Object.fromEntries(
    (await readFile(outputFile, 'utf8'))
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as Record<string, string>;
  return {
    dir,
    exitCode: result.exitCode,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    summary: await readFile(summaryFile, 'utf8'),
    outputs,
  };
}

/** The JUnit file parsed: its totals and each test case's name and location. */
function junitOf(xml: string) {
  const valid = XMLValidator.validate(xml);
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (n) => n === 'testcase' || n === 'testsuite',
  }).parse(xml) as {
    testsuites: {
      tests: string;
      failures: string;
      testsuite: { testcase: { name: string; file?: string; line?: string; failure?: unknown }[] }[];
    };
  };
  const cases = parsed.testsuites.testsuite.flatMap((s) => s.testcase);
  return { valid, tests: parsed.testsuites.tests, failures: parsed.testsuites.failures, cases };
}

t.test('the reference topology: exit 0, the matrix in the summary, the counts as outputs, valid reports', async (t) => {
  const run = await runAction({ INPUT_SCENARIOS: 'scenarios/reference.yml', INPUT_PROJECT: reference });
  t.equal(run.exitCode, 0, run.stderr);
  t.same(
    { ...run.outputs },
    {
      'exit-code': '0',
      total: '10',
      pass: '10',
      fail: '0',
      inconclusive: '0',
      junit: join(run.dir, 'junit.xml'),
      sarif: join(run.dir, 'dockprobe.sarif'),
    },
  );
  t.ok(run.summary.startsWith('earlier step\n## dockprobe: pass\n'), 'appended after what was there');
  t.match(run.summary, /10 checks: 10 passed, 0 failed, 0 inconclusive/);
  t.match(run.summary, /^\| from \\ to \|.*`proxy:8080`/m, 'the zone matrix as a table');
  t.match(run.summary, /^\| \*\*network public-facing\*\* \|/m);
  t.notMatch(run.summary, /Mismatches/);
  t.notMatch(run.stdout, /^::error/m, 'no workflow command for a pass');
  const junit = junitOf(await readFile(join(run.dir, 'junit.xml'), 'utf8'));
  t.equal(junit.valid, true, 'the JUnit file is well-formed XML');
  t.same([junit.tests, junit.failures], ['10', '0']);
  t.ok(
    junit.cases.every((c) => c.file === 'scenarios/reference.yml' && Number(c.line) > 0),
    'every case at its line',
  );
  const sarif = JSON.parse(await readFile(join(run.dir, 'dockprobe.sarif'), 'utf8')) as {
    runs: { results: unknown[] }[];
  };
  t.same(validateSarif(sarif) ? [] : validateSarif.errors, [], 'SARIF 2.1.0');
  t.same(sarif.runs[0]?.results, [], 'no result for a pass');
});

t.test('the broken twin: exit 1, each mismatch annotated, in the summary and the reports', async (t) => {
  const run = await runAction({
    INPUT_SCENARIOS: 'scenarios/reference.yml',
    INPUT_PROJECT: broken,
    INPUT_ARGS: '--timeout 1s',
  });
  t.equal(run.exitCode, 1, run.stderr);
  t.same(
    [run.outputs['exit-code'], run.outputs.total, run.outputs.fail, run.outputs.inconclusive],
    ['1', '10', '2', '0'],
  );
  t.match(run.summary, /^## dockprobe: FAIL$/m);
  t.match(run.summary, /10 checks: 8 passed, 2 failed, 0 inconclusive/);
  t.match(run.summary, /^\| from \\ to \|/m, 'the zone matrix as a table');
  t.match(run.summary, /Mismatches/);
  for (const target of ['redis:6379', 'postgres:5432']) {
    t.match(run.summary, new RegExp(`network public-facing → ${target}`), `the summary names ${target}`);
  }
  const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error '));
  t.equal(errors.length, 2, 'one workflow command per mismatch');
  const line = String(
    readFileSync(join(PACKAGE_ROOT, 'scenarios/reference.yml'), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('cannot reach the data stores')) + 1,
  );
  for (const e of errors)
    t.match(e, new RegExp(`^::error file=scenarios/reference\\.yml,line=${line},`), 'at the expectation');
  const junit = junitOf(await readFile(join(run.dir, 'junit.xml'), 'utf8'));
  t.same([junit.valid, junit.tests, junit.failures], [true, '10', '2']);
  const sarif = JSON.parse(await readFile(join(run.dir, 'dockprobe.sarif'), 'utf8')) as {
    runs: { results: { ruleId: string; level: string }[] }[];
  };
  t.same(validateSarif(sarif) ? [] : validateSarif.errors, [], 'SARIF 2.1.0');
  t.same(
    sarif.runs[0]?.results.map((r) => `${r.ruleId} ${r.level}`),
    ['reached error', 'reached error'],
  );
});

t.test('a run that stops before any check: exit 2, the error in the summary, empty counts', async (t) => {
  const run = await runAction({ INPUT_SCENARIOS: 'no-such-file.yml', INPUT_PROJECT: reference });
  t.equal(run.exitCode, 2, run.stderr);
  t.same([run.outputs['exit-code'], run.outputs.total, run.outputs.fail], ['2', '', '']);
  t.match(run.summary, /## dockprobe: exit 2, no report/);
  t.match(run.summary, /no-such-file\.yml/, 'the summary says why');
  t.equal(run.outputs.junit, undefined, 'no JUnit file is claimed');
});

t.test('inputs the script refuses: exit 2 with a workflow error, dockprobe not run', async (t) => {
  const nothing = await runAction({});
  t.equal(nothing.exitCode, 2);
  t.match(nothing.stdout, /^::error title=dockprobe action::nothing to test/m);
  const badFlag = await runAction({ INPUT_SCENARIOS: 'scenarios/reference.yml', INPUT_INFER: 'maybe' });
  t.equal(badFlag.exitCode, 2);
  t.match(badFlag.stdout, /input infer must be true or false, got 'maybe'/);
  t.equal(badFlag.summary, 'earlier step\n', 'nothing appended');
});
