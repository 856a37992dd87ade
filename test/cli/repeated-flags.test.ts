import t from 'tap';
import { main } from '../../src/cli/main.js';
import { colors } from '../../src/report/colors.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';

// A single-valued option given twice once surfaced as "internal error … is not a function" (exit 3), or ran every
// check and printed no report: it is a usage error (exit 2) before anything runs, naming the values.

const context = { stdout: process.stdout, stderr: process.stderr, colorsOut: colors(false), colorsErr: colors(false), cleanup: new CleanupStack() };

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
    await t.rejects(main(argv, context), { code: 'DP_USAGE', message: new RegExp(`^--${option} was given 2 times \\('`) });
  });
}

t.test('--internet is a list: repeated and comma-separated values add up', async (t) => {
  // It fails later, on the missing file: the repetition itself passed.
  await t.rejects(main(['test', 'missing.yml', '--internet', 'tcp://192.0.2.1:443', '--internet', 'dns:a.example'], context), { code: 'DP_SCENARIO_INVALID' });
});

t.test('--project is a list: repeated and comma-separated values add up; one that names nothing, or a name twice, is refused', async (t) => {
  // It fails later, on the missing file: the list itself passed. (--project was single-valued before swarm stacks.)
  await t.rejects(main(['test', 'missing.yml', '--project', 'infra', '--project', 'app,web'], context), { code: 'DP_SCENARIO_INVALID' });
  await t.rejects(main(['test', 'missing.yml', '--project', ','], context), { code: 'DP_USAGE', message: "--project must name a Compose project or swarm stack, got ','" });
  await t.rejects(main(['test', 'missing.yml', '-p', 'a', '-p', 'b,a'], context), { code: 'DP_USAGE', message: "--project names 'a' twice (got 'a', 'b,a')" });
});
