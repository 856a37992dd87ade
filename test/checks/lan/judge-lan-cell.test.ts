import t from 'tap';
import { planFor, scenarioOf } from '../../fixtures/pipeline.js';
import { judge } from '../../../src/judge/judge.js';
import { lanPlacement } from '../../../src/plan/lan-placement.js';
import { fakeResults, type Oracle } from '../../fixtures/observe.js';
import { container, PUBLIC, referenceTopology } from '../../fixtures/reference-topology.js';

// What a LAN neighbour saw, judged: a container answering at its own address is a breach whatever its binding; a
// refusal there is the container's kernel (the path is open); at the host's address a refusal is the host's. Silence
// counts as blocked only when the neighbour reached dockprobe's listener at the host end of its link.

const scenario = (reachable: boolean, to = '[proxy:8080]') =>
  scenarioOf(`  - from: lan\n    to: ${to}\n    reachable: ${reachable}\n`);

function setup(bindings: { hostIp: string; hostPort: number }[]) {
  const proxy = container('proxy', 8080, [[PUBLIC, '172.18.0.2']]);
  proxy.ports = [{ port: 8080, protocol: 'tcp', published: bindings, requested: [] }];
  const topology = referenceTopology({ proxy: [proxy] });
  return { topology, placement: lanPlacement('r1', topology) };
}

function verdicts(
  reachable: boolean,
  bindings: { hostIp: string; hostPort: number }[],
  oracle: (host: string, port: number, placement: ReturnType<typeof lanPlacement>) => ReturnType<Oracle>,
) {
  const { topology, placement } = setup(bindings);
  const plan = planFor(scenario(reachable), topology, { runId: 'r1' });
  return judge(
    plan,
    fakeResults(plan, (check) => (check.kind === 'tcp' ? oracle(check.host, check.port, placement) : undefined)),
  ).verdicts;
}

const controlOk = (host: string, port: number, p: ReturnType<typeof lanPlacement>) =>
  host === p.host && port === p.controlPort ? { outcome: 'open' as const, address: host, port } : undefined;

t.test(
  'published only on 127.0.0.1, reached at the container address: FAIL lan-reached-container, naming the binding and moby/moby#45610',
  async (t) => {
    const [v] = verdicts(
      false,
      [{ hostIp: '127.0.0.1', hostPort: 32768 }],
      (host, port, p) => controlOk(host, port, p) ?? { outcome: 'open', address: host, port },
    );
    t.match(v, {
      status: 'fail',
      code: 'lan-reached-container',
      reason: /published only on 127\.0\.0\.1:32768, yet engines before 28\.0 .*moby\/moby#45610/,
    });
  },
);

t.test('not published at all and reached: the reason points at the FORWARD chain', async (t) => {
  const [v] = verdicts(
    false,
    [],
    (host, port, p) => controlOk(host, port, p) ?? { outcome: 'refused', address: host, port },
  );
  t.match(
    v,
    { status: 'fail', code: 'lan-reached-container', reason: /not published at all: the host's FORWARD chain/ },
    'a refusal from the container is the container answering',
  );
});

t.test(
  'published on all interfaces, answered at the host address: FAIL lan-reached-published; a refusal from the host is not a breach',
  async (t) => {
    const [v] = verdicts(
      false,
      [{ hostIp: '0.0.0.0', hostPort: 8080 }],
      (host, port, p) =>
        controlOk(host, port, p) ??
        (host === p.host ? { outcome: 'open', address: host, port } : { outcome: 'timeout', address: host, port }),
    );
    t.match(v, { status: 'fail', code: 'lan-reached-published' });
    const [refused] = verdicts(
      false,
      [{ hostIp: '0.0.0.0', hostPort: 8080 }],
      (host, port, p) =>
        controlOk(host, port, p) ??
        (host === p.host ? { outcome: 'refused', address: host, port } : { outcome: 'timeout', address: host, port }),
    );
    t.match(refused, { status: 'pass', code: 'blocked' });
  },
);

t.test('silence is blocked only with the control: without it, inconclusive', async (t) => {
  const [ok] = verdicts(
    false,
    [],
    (host, port, p) => controlOk(host, port, p) ?? { outcome: 'timeout', address: host, port },
  );
  t.match(ok, { status: 'pass', code: 'blocked', reason: /the neighbour reached the host/ });
  const [none] = verdicts(false, [], (host, port) => ({ outcome: 'timeout', address: host, port }));
  t.match(none, { status: 'inconclusive', code: 'reach-control-failed' });
  const [unfinished] = verdicts(false, [], (host, port, p) => controlOk(host, port, p));
  t.match(unfinished, { status: 'inconclusive', code: 'check-unfinished' });
});

t.test(
  'expected reachable: an answer passes; silence with a working link fails; a refusal from the container is not "reached"',
  async (t) => {
    const [ok] = verdicts(
      true,
      [],
      (host, port, p) => controlOk(host, port, p) ?? { outcome: 'open', address: host, port },
    );
    t.match(ok, { status: 'pass', code: 'reached' });
    const [silent] = verdicts(
      true,
      [],
      (host, port, p) => controlOk(host, port, p) ?? { outcome: 'timeout', address: host, port },
    );
    t.match(silent, { status: 'fail', code: 'no-answer' });
    const [refused] = verdicts(
      true,
      [],
      (host, port, p) => controlOk(host, port, p) ?? { outcome: 'refused', address: host, port },
    );
    t.match(refused, { status: 'fail', code: 'no-answer' });
  },
);
