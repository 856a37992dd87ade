import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { cliJson, projectName, teardown, upProject } from './helpers.js';

// `from: host` reads bindings the same under Compose v1 and v2. Under v2 a port with `expose:` is stored twice in
// ExposedPorts ("3306" and "3306/tcp"), and the copy without bindings once made a published database read as
// "not published": a false pass.

t.setTimeout(120_000);
const project = projectName('dptest-ports');
teardown(t, `tear down ${project}`, await upProject('test/fixtures/compose/ports.yml', project));
const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-ports-'));

t.test('all interfaces, loopback only, and a specific address, each named and knocked on', async (t) => {
  const file = join(tmp, 'ports.yml');
  await writeFile(
    file,
    `project: ${project}\ntimeout: 1s\nexpect:\n  - from: host\n    to: [db:3306]\n    reachable: false\n  - from: host\n    to: [db:3307, db:3308]\n    reachable: true\n`,
  );
  const { exitCode, report, stderr } = await cliJson(['test', file]);
  t.equal(exitCode, 1, stderr);
  const cell = (target: string) => report!.verdicts.find((v) => v.target === target)!;
  t.equal(cell('db:3306').status, 'fail', 'a database published on all interfaces is a finding');
  t.equal(cell('db:3306').code, 'published-all-interfaces');
  t.match(cell('db:3306').reason, /^published on all interfaces \(0\.0\.0\.0:\d+\).*, and it answers$/);
  t.equal(cell('db:3307').status, 'pass');
  t.match(cell('db:3307').reason, /^published on 127\.0\.0\.1:\d+ only, and it answers \(open 127\.0\.0\.1:\d+\)$/);
  t.equal(cell('db:3308').status, 'pass');
  t.match(cell('db:3308').reason, /^published on 127\.0\.0\.2:\d+ only, and it answers \(open 127\.0\.0\.2:\d+\)$/);
  t.same(report!.compose.length, 1, 'the report names the Compose version that made the project');
});
