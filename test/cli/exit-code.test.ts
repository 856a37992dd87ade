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
  t.equal(exitCodeForResult({ ...runResult([verdict({})]), cleanupFailures: ['container x'] }), 3, 'something left behind is not a pass');
});

t.test('2 for input errors, 3 for infrastructure and unknown errors', async (t) => {
  t.equal(exitCodeForError(new ScenarioError([{ file: 'f', line: 1, col: 1, message: 'm' }])), 2);
  t.equal(exitCodeForError(new UnknownNameError('network', 'pubic', ['public-facing'])), 2);
  t.equal(exitCodeForError(new DockerUnavailableError('unix:///x.sock', Object.assign(new Error('x'), { code: 'ENOENT' }))), 3);
  t.equal(exitCodeForError(new TypeError('boom')), 3);
});

t.test('unknown names list what exists and suggest the closest', async (t) => {
  const e = new UnknownNameError('network', 'pubic-facing', ['public-facing', 'internal-backend'], "in project 'ref'");
  t.equal(e.message, "unknown network 'pubic-facing' in project 'ref'; networks that exist: public-facing, internal-backend");
  t.equal(e.hint, "did you mean 'public-facing'?");
});
