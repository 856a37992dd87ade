import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { cliJson, projectName, teardown, upProject } from './helpers.js';

// Services on Docker's default bridge (network_mode: bridge): no embedded DNS serves them, so a DNS query there is
// refused. That once read as TCP "refused", "the network path is open": a false FAIL. Now the default bridge is a
// zone reached by address only, with no DNS control, and a name asked there is decided by that fact.

t.setTimeout(150_000);
const project = projectName('dptest-bridge');
teardown(t, `tear down ${project}`, await upProject('test/fixtures/compose/default-bridge.yml', project));
const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-bridge-'));

t.test(
  'from a service on the default bridge: blocked by address, names decided by the missing DNS, peers reached',
  async (t) => {
    const file = join(tmp, 'bridge.yml');
    await writeFile(
      file,
      `project: ${project}\ntimeout: 1s\nexpect:\n  - from: { service: legacy-a }\n    to: [redis:6379, dns:redis]\n    reachable: false\n  - from: { service: legacy-a }\n    to: [legacy-b:6000]\n    reachable: true\n`,
    );
    const { exitCode, report, stderr } = await cliJson(['test', file]);
    t.equal(exitCode, 0, stderr);
    const v = (target: string) => report!.verdicts.find((x) => x.target === target)!;
    t.same([v('redis:6379').status, v('redis:6379').code], ['pass', 'blocked'], v('redis:6379').reason);
    t.same(
      v('redis:6379').evidence.map((e) => e.attempt.via),
      ['address'],
      'tried at its address, not by a name that cannot resolve',
    );
    t.same([v('dns:redis').status, v('dns:redis').code], ['pass', 'no-embedded-dns']);
    t.same([v('legacy-b:6000').status, v('legacy-b:6000').code], ['pass', 'reached'], v('legacy-b:6000').reason);
    t.match(report!.probes[0]!.control.detail, /^no embedded DNS here/, 'no DNS control is held against it');
  },
);
