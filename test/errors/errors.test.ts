import t from 'tap';
import { DockprobeError, ErrorCodes, isDockprobeError } from '../../src/errors/dockprobe-error.js';
import { formatPosition, ScenarioError } from '../../src/errors/scenario-error.js';
import { UnknownNameError } from '../../src/errors/unknown-name-error.js';

t.test('a DockprobeError is recognised by its brand; a DP_ code alone is not one', async (t) => {
  t.ok(isDockprobeError(new DockprobeError(ErrorCodes.TIMEOUT, 'x')));
  t.ok(isDockprobeError(new UnknownNameError('network', 'pubic', ['public'])), 'subclasses too');
  t.ok(isDockprobeError(new ScenarioError([{ file: 'f.yml', line: 1, col: 1, message: 'm' }])));
  // The probe agent's observation codes start with DP_ too; such an error reaching the CLI is not one of ours.
  for (const code of ['DP_DNS_TIMEOUT', 'DP_CONNECT_TIMEOUT', 'DP_HTTP_TIMEOUT', 'DP_SCENARIO_INVALID']) {
    t.notOk(isDockprobeError(Object.assign(new Error('agent'), { code })), `a plain Error with code ${code}`);
  }
  t.notOk(isDockprobeError({ code: 'DP_TIMEOUT', message: 'x' }), 'a plain object');
  t.notOk(isDockprobeError(new TypeError('boom')));
  t.notOk(isDockprobeError(undefined));
  t.notOk(isDockprobeError('DP_TIMEOUT'));
});

t.test('the brand works across module copies (two installs, a bundle)', async (t) => {
  // A query string makes the loader evaluate the module again: another class, the same brand.
  const specifier: string = '../../src/errors/dockprobe-error.js?copy';
  const copy = (await import(specifier)) as typeof import('../../src/errors/dockprobe-error.js');
  t.not(copy.DockprobeError, DockprobeError, 'really a second copy');
  const foreign = new copy.DockprobeError(ErrorCodes.DOCKER_API, 'from the other copy');
  t.notOk(foreign instanceof DockprobeError);
  t.ok(isDockprobeError(foreign));
  t.ok(copy.isDockprobeError(new DockprobeError(ErrorCodes.USAGE, 'from this copy')));
  t.notOk(copy.isDockprobeError(Object.assign(new Error('agent'), { code: 'DP_DNS_TIMEOUT' })));
});

t.test('one format for a position', async (t) => {
  t.equal(formatPosition({ file: 'scenarios/reference.yml', line: 11, col: 5 }), 'scenarios/reference.yml:11:5');
  const e = new ScenarioError([
    { file: 'my.yml', line: 7, col: 37, message: "unknown key 'projet'", hint: "did you mean 'project'?" },
    { file: 'my.yml', line: 9, col: 16, message: 'reachable must be a boolean' },
  ]);
  t.equal(
    e.message,
    "my.yml:7:37: unknown key 'projet'\n  hint: did you mean 'project'?\nmy.yml:9:16: reachable must be a boolean",
  );
});
