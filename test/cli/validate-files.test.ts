import { join } from 'node:path';
import t from 'tap';
import { validatedLine, validateFiles } from '../../src/cli/validate-files.js';
import { loadScenario } from '../../src/scenario/parse-scenario.js';

// validate-files.ts from source (yaml's build for node; the bundle holds its build for browsers, which
// test/cli/bundle.test.ts runs): the text for valid files, and a throw for anything the full command line must do.

t.test('valid files: one line each, the line the full command line prints', async (t) => {
  const files = ['scenarios/reference.yml', 'scenarios/reference-rules.yml'];
  const lines = await Promise.all(files.map(async (f) => validatedLine(f, await loadScenario(f))));
  t.equal(validateFiles(files), lines.join(''));
  // What a source's placement allows is the check kinds' to say: the full command line checks such a file.
  t.throws(() => validateFiles(['scenarios/perspectives.yml']), /placement/);
  t.equal(lines[0], 'scenarios/reference.yml: ok (4 expectations, 10 targets)\n');
  t.equal(
    validatedLine('scenarios/reference-rules.yml', await loadScenario('scenarios/reference-rules.yml')),
    'scenarios/reference-rules.yml: ok (0 expectations, 0 targets, 3 rules)\n',
    'rules are counted as rules',
  );
});

t.test('anything else throws, and prints nothing', async (t) => {
  const dir = t.testdir({
    'bad.yml': 'expect:\n  - from: { network: a }\n    to: x:80\n    reachable: maybe\n',
    'list-key.yml': 'expect:\n  - from: { network: a }\n    to: x:80\n    reachable: true\n    ? [a, b]\n    : 1\n',
    sub: {},
  });
  t.throws(() => validateFiles(['scenarios/reference.yml', join(dir, 'bad.yml')]), { code: 'DP_SCENARIO_INVALID' });
  t.throws(() => validateFiles([join(dir, 'missing.yml')]), { code: 'ENOENT' });
  t.throws(() => validateFiles([join(dir, 'sub')]), /not a regular file/);

  // yaml warns about a map key that is a list: the full command line prints that warning, this prints none.
  const warnings: unknown[] = [];
  const onWarning = (w: unknown) => warnings.push(w);
  process.on('warning', onWarning);
  const { emitWarning } = process;
  t.throws(() => validateFiles([join(dir, 'list-key.yml')]));
  await new Promise((resolve) => setImmediate(resolve));
  process.off('warning', onWarning);
  t.same(warnings, [], 'no warning emitted');
  t.equal(process.emitWarning, emitWarning, 'process.emitWarning as it was');

  process.env['LOG_TOKENS'] = '1';
  t.teardown(() => delete process.env['LOG_TOKENS']);
  t.throws(
    () => validateFiles(['scenarios/reference.yml']),
    /LOG_TOKENS/,
    "yaml's debugging output is the full command line's",
  );
});
