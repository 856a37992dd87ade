import t from 'tap';
import { exitCodeForError, exitCodeForResult } from '../../src/cli/exit-code.js';
import { DockerUnavailableError } from '../../src/errors/docker-unavailable-error.js';
import { ScenarioError } from '../../src/errors/scenario-error.js';
import { UnknownNameError } from '../../src/errors/unknown-name-error.js';
import { runResult, verdict } from '../fixtures/run-result.js';

t.test('0 all pass, 1 any mismatch (even with inconclusive cells), 3 inconclusive', async (t) => {
  t.equal(exitCodeForResult(runResult([verdict({})])), 0);
  t.equal(exitCodeForResult(runResult([verdict({}), verdict({ status: 'fail' })])), 1);
  t.equal(exitCodeForResult(runResult([verdict({ status: 'fail' }), verdict({ status: 'inconclusive' })])), 1);
  t.equal(exitCodeForResult(runResult([verdict({}), verdict({ status: 'inconclusive' })])), 3);
  t.equal(
    exitCodeForResult({ ...runResult([verdict({})]), cleanupFailures: ['container x'] }),
    3,
    'something left behind is not a pass',
  );
});

t.test('2 for input errors, 3 for infrastructure and unknown errors', async (t) => {
  t.equal(exitCodeForError(new ScenarioError([{ file: 'f', line: 1, col: 1, message: 'm' }])), 2);
  t.equal(exitCodeForError(new UnknownNameError('network', 'pubic', ['public-facing'])), 2);
  t.equal(
    exitCodeForError(new DockerUnavailableError('unix:///x.sock', Object.assign(new Error('x'), { code: 'ENOENT' }))),
    3,
  );
  t.equal(exitCodeForError(new TypeError('boom')), 3);
});

t.test('unknown names list what exists and suggest the closest', async (t) => {
  const e = new UnknownNameError('network', 'pubic-facing', ['public-facing', 'internal-backend'], "in project 'ref'");
  t.equal(
    e.message,
    "unknown network 'pubic-facing' in project 'ref'; networks that exist: public-facing, internal-backend",
  );
  t.equal(e.hint, "did you mean 'public-facing'?");
});

t.test('run options are validated at the boundary, naming the option and the value received', async (t) => {
  const { dnsUpstreamOption, listOption } = await import('../../src/cli/common-options.js');
  const { countValue: countOption, durationValue: durationOption } = await import('../../src/cli/with-options.js');
  t.throws(() => countOption('retries', 'x', 0, 10), {
    code: 'DP_USAGE',
    message: "--retries must be a whole number from 0 to 10, got 'x'",
  });
  t.throws(() => countOption('repeat', '0', 1, 100), {
    message: "--repeat must be a whole number from 1 to 100, got '0'",
  });
  for (const typed of ['0x10', '1e3', '', ' ', '2.0', '-1'])
    t.throws(
      () => countOption('repeat', typed, 1, 100),
      { message: `--repeat must be a whole number from 1 to 100, got '${typed}'` },
      `'${typed}' as typed`,
    );
  t.equal(countOption('repeat', '3', 1, 100), 3);
  t.throws(() => durationOption('timeout', 'soon'), {
    code: 'DP_USAGE',
    message: "--timeout must be a duration from 1ms to 10m, got 'soon'",
  });
  t.equal(durationOption('timeout', '1.5s'), 1500);
  t.same(listOption(['tcp://198.51.100.10:80,https://a.example/', 'dns:b.example']), [
    'tcp://198.51.100.10:80',
    'https://a.example/',
    'dns:b.example',
  ]);
  t.same(dnsUpstreamOption('inherit'), []);
  t.equal(dnsUpstreamOption('isolated'), undefined);
  t.same(dnsUpstreamOption('10.0.0.53, 10.0.0.54'), ['10.0.0.53', '10.0.0.54']);
  t.throws(() => dnsUpstreamOption('dns.example'), { code: 'DP_USAGE' });
});
