import { execa } from 'execa';
import t from 'tap';
import { inferExpectations } from '../../src/infer/infer-expectations.js';
import { readStackModel } from '../../src/infer/read-stack-model.js';

// Stack files are read as `docker stack deploy` reads them, through `docker stack config`: the CLI needs no engine
// (DOCKER_HOST points nowhere here, so nothing can reach one).

const FILE = 'test/fixtures/swarm/plan-stack.yml';
const cli = await execa('docker', ['stack', 'config', '--help'], { reject: false, timeout: 10_000 });
if (cli.exitCode !== 0) {
  t.plan(0, 'needs a docker CLI with `stack config` (20.10 or newer)');
} else {
  process.env['DOCKER_HOST'] = 'unix:///nonexistent/dockprobe-test.sock';

  t.test(
    'a stack file: its services, overlays (internal or not) and published ports, named as the file names them',
    async (t) => {
      const model = await readStackModel([FILE], 'glasck');
      t.equal(model.project, 'glasck');
      t.match(model.origin, /^docker stack config --compose-file test\/fixtures\/swarm\/plan-stack\.yml$/);
      t.same(model.networks, [
        { name: 'internal-backend', internal: true },
        { name: 'public-facing', internal: false },
        { name: 'worker-egress', internal: false },
      ]);
      t.same(
        model.services.map((s) => [s.name, s.networks, s.ports]),
        [
          ['api', ['internal-backend', 'public-facing'], [3001]],
          ['postgres', ['internal-backend'], [5432]],
          ['proxy', ['public-facing'], [8080]],
          ['worker', ['internal-backend', 'worker-egress'], [9000]],
        ],
      );
      const entries = inferExpectations(model);
      t.ok(entries.some((e) => e.name === 'internal-backend has no egress'));
      t.ok(
        entries.some(
          (e) =>
            e.from !== 'host' &&
            e.from.network === 'public-facing' &&
            !e.reachable &&
            e.to.some((x) => x.target === 'postgres:5432'),
        ),
        'the public zone does not reach the database',
      );
    },
  );

  t.test('no stack name, or a file the CLI refuses: exit 2 with the command and its words', async (t) => {
    await t.rejects(readStackModel([FILE], undefined), { code: 'DP_USAGE', message: /--stack-file needs --project/ });
    await t.rejects(readStackModel(['test/fixtures/swarm/no-such-stack.yml'], 'glasck'), {
      code: 'DP_USAGE',
      message: /^docker stack config --compose-file test\/fixtures\/swarm\/no-such-stack\.yml failed \(exit code 1\)/,
    });
  });
}
