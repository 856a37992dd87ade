import t from 'tap';
import { planFor, scenarioOf } from '../../fixtures/pipeline.js';
import { lanPlacement } from '../../../src/plan/lan-placement.js';
import type { LanCell } from '../../../src/checks/lan/lan-cell.js';
import { lanNames } from '../../../src/run/lan-neighbour.js';
import { container, INTERNAL, PUBLIC, referenceTopology } from '../../fixtures/reference-topology.js';

// from: lan: a neighbour beside the host tries each service at its containers' addresses (routed through the host)
// and at the host's end of its link on ports published on all interfaces; names do not resolve on the LAN.

t.test(
  'each container address on a local bridge, and all-interfaces bindings at the host; the control is the host end',
  async (t) => {
    const proxy = container('proxy', 8080, [[PUBLIC, '172.18.0.2']]);
    proxy.ports = [
      {
        port: 8080,
        protocol: 'tcp',
        published: [
          { hostIp: '127.0.0.1', hostPort: 32768 },
          { hostIp: '0.0.0.0', hostPort: 8080 },
        ],
        requested: [],
      },
    ];
    const topology = referenceTopology({ proxy: [proxy] });
    const plan = planFor(
      scenarioOf('  - from: lan\n    to: [proxy:8080, api:3001]\n    reachable: false\n'),
      topology,
      {
        runId: 'r1',
      },
    );
    t.equal(plan.probes.length, 1);
    const spec = plan.probes[0]!;
    const placement = lanPlacement('r1', topology);
    t.same(spec.placement, placement);
    t.match(
      placement,
      { host: /^169\.254\.(2[0-4]\d)\.\d+$/, routes: ['172.18.0.0/16', '172.19.0.0/16'] },
      "link-local, and only the bridges' subnets are routed",
    );
    t.equal(Number(placement.neighbour.split('.')[3]), Number(placement.host.split('.')[3]) + 1);
    const [toProxy, toApi] = plan.cells as LanCell[];
    t.same(
      toProxy!.attempts.map((a) => [a.via, a.description]),
      [
        ['address', '172.18.0.2:8080 (ref_proxy_1 on public-facing), routed through the host'],
        ['published', `the host's ${placement.host}:8080 (ref_proxy_1 port 8080 published on all interfaces)`],
      ],
      'the 127.0.0.1 binding is not tried at the host: the neighbour reaches the host only at its LAN address',
    );
    t.same(toProxy!.bindings, ['127.0.0.1:32768', '0.0.0.0:8080']);
    t.same(
      toApi!.attempts.map((a) => a.via),
      ['address', 'address'],
      'both of its networks',
    );
    const control = spec.plan.checks.find((c) => c.id === spec.controls.reachCheckIds[0]);
    t.match(control, { kind: 'tcp', host: placement.host, port: placement.controlPort });
    t.equal(spec.controls.dnsCheckId, undefined, 'no DNS on the LAN');
    t.same(spec.plan.controls, spec.controls.reachCheckIds);
  },
);

t.test('names and egress cannot be tried from the LAN: a scenario error at the target', async (t) => {
  const topology = referenceTopology();
  t.throws(
    () =>
      planFor(scenarioOf('  - from: lan\n    to: [dns:proxy]\n    reachable: false\n'), topology, {
        runId: 'r1',
      }),
    { name: 'ScenarioError', message: /'dns:proxy' cannot be checked from lan/ },
  );
  t.throws(
    () =>
      planFor(scenarioOf('  - from: lan\n    to: [internet]\n    reachable: false\n'), topology, {
        runId: 'r1',
      }),
    { message: /'internet' cannot be checked from lan/ },
  );
});

t.test('a target with nothing a neighbour can route to, or not running: inconclusive preconditions', async (t) => {
  const topology = referenceTopology({ postgres: [container('postgres', 5432, [[INTERNAL, '172.19.0.3']], 'exited')] });
  const overlay = { ...INTERNAL, id: 'net-mesh', name: 'mesh', driver: 'overlay', scope: 'swarm' };
  topology.networks.push(overlay);
  topology.services.push({
    project: 'ref',
    name: 'meshy',
    containers: [container('meshy', 80, [[overlay, '10.0.1.5']])],
  });
  const plan = planFor(
    scenarioOf('  - from: lan\n    to: [postgres:5432, meshy:80]\n    reachable: false\n'),
    topology,
    {
      runId: 'r1',
    },
  );
  t.same(
    plan.cells.map((c) => c.precondition?.code),
    ['target-not-running', 'not-routable-from-lan'],
  );
  t.notOk(
    lanPlacement('r1', topology).routes.includes('172.19.0.0/16') &&
      lanPlacement('r1', topology).routes.some((r) => r.startsWith('10.0.1.')),
    'an overlay is never routed',
  );
});

t.test("names of a run's neighbour fit the kernel's interface names and carry the run and the pid", async (t) => {
  const names = lanNames('abcd1234', 4242);
  t.equal(names.netns, 'dockprobe-lan-abcd1234-4242');
  t.ok(names.hostIf.length <= 15 && names.peerIf.length <= 15);
  t.not(names.hostIf, names.peerIf);
  t.not(
    lanPlacement('run-a', referenceTopology()).host,
    lanPlacement('run-b', referenceTopology()).host,
    'two runs, two links',
  );
});
