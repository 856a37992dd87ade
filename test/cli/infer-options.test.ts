import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { inferOptionsFrom } from '../../src/cli/infer-options.js';
import { runTraced } from '../fixtures/traced-cli.js';

// `test [files..] --infer [--file COMPOSE…] [--project P]`: what it infers from, decided before Docker is asked
// anything; what it refuses, refused with exit 2 and the option named.

t.test(
  '--infer with --project and no --file infers from the running project; with --file, from the Compose files',
  async (t) => {
    t.same(inferOptionsFrom({ files: [], infer: true }, ['shop']), { files: [], project: 'shop', live: true });
    t.same(
      inferOptionsFrom({ files: ['rules.yml'], infer: true, file: ['a.yml,b.yml', 'c.yml'] }, ['shop']),
      { files: ['a.yml', 'b.yml', 'c.yml'], project: 'shop', live: false },
      'repeated or comma-separated',
    );
    t.same(inferOptionsFrom({ files: [], infer: true, file: ['compose.yml'] }, undefined), {
      files: ['compose.yml'],
      project: undefined,
      live: false,
    });
    t.same(
      inferOptionsFrom({ files: [], infer: true }, undefined),
      { files: [], project: undefined, live: false },
      'neither: Compose finds its file here, as plan does',
    );
    t.equal(inferOptionsFrom({ files: ['a.yml'], infer: false }, ['shop']), undefined, 'no --infer: the files alone');
  },
);

t.test('refused at the boundary, naming the option and what it got', async (t) => {
  t.throws(() => inferOptionsFrom({ files: [], infer: false }, undefined), {
    code: 'DP_USAGE',
    message: 'name the scenario files to run, or --infer to run what the deployment itself implies',
  });
  t.throws(() => inferOptionsFrom({ files: ['s.yml'], infer: false, file: ['compose.yml'] }, undefined), {
    code: 'DP_USAGE',
    message: '--file names Compose files to infer from, and goes with --infer (got --file compose.yml)',
  });
  t.throws(() => inferOptionsFrom({ files: [], infer: true }, ['a', 'b']), {
    code: 'DP_USAGE',
    message: 'test --infer infers from one project, got --project a,b',
    hint: 'run test --infer once for each project',
  });
});

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsLoader = process.execArgv.filter((a) => a.includes('@tapjs/typescript'));
const cli = (...args: string[]) => runTraced(tsLoader, join(root, 'src', 'cli', 'bin.ts'), args, process.env, 45_000);

t.test('the command line: usage errors exit 2 before any engine call (none is reachable here)', async (t) => {
  const [none, fileWithout, two, help] = await Promise.all([
    cli('test'),
    cli('test', 'scenarios/reference.yml', '--file', 'docker-compose.test.yml'),
    cli('test', '--infer', '--project', 'a,b'),
    cli('test', '--help'),
  ]);
  t.equal(none.code, 2);
  t.match(
    none.stderr,
    /dockprobe: error \[DP_USAGE\] name the scenario files to run, or --infer to run what the deployment itself implies\n {2}hint: dockprobe test scenarios\/reference\.yml, or dockprobe test --infer --project shop/,
  );
  t.equal(fileWithout.code, 2);
  t.match(
    fileWithout.stderr,
    /\[DP_USAGE\] --file names Compose files to infer from, and goes with --infer \(got --file docker-compose\.test\.yml\)/,
  );
  t.equal(two.code, 2);
  t.match(two.stderr, /\[DP_USAGE\] test --infer infers from one project, got --project a,b/);
  t.equal(help.code, 0, help.stderr);
  t.match(help.stdout, /^dockprobe test \[files\.\.\]/);
  t.match(help.stdout, /--infer +Also run the expectations inferred from the deployment/);
  t.match(help.stdout, /--file +Compose files, as `compose -f` takes them \(test: with --infer\)/);
});
