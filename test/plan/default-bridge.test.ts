import t from 'tap';
import { planFor } from '../fixtures/pipeline.js';
import { judge } from '../../src/judge/judge.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import type { Topology, TopologyNetwork } from '../../src/topology/topology.js';
import { fakeResults, healthy, type Oracle } from '../fixtures/observe.js';
import { container, referenceTopology } from '../fixtures/reference-topology.js';

// Docker's default bridge is a real zone without embedded DNS: a refused query there is no evidence of anything, so
// its probes try addresses only and carry no DNS control; a `dns:` target is decided by that fact. A service in the
// host's network namespace is neither a zone to probe from nor a target that "blocked by name" could clear.

const BRIDGE: TopologyNetwork = {
  id: 'net-bridge',
  name: 'bridge',
  driver: 'bridge',
  scope: 'local',
  internal: false,
  attachable: false,
  subnets: ['172.17.0.0/16'],
  labels: {},
  project: undefined,
  composeName: undefined,
};

function withLegacy(): Topology {
  const legacy = (name: string, ip: string) => ({ ...container(name, 6000, [[BRIDGE, ip]]), networkMode: 'bridge' });
  const base = referenceTopology({
    legacy: [legacy('legacy', '172.17.0.2')],
    'legacy-b': [legacy('legacy-b', '172.17.0.3')],
  });
  return { ...base, networks: [...base.networks, BRIDGE] };
}

const plan = (body: string, topology = withLegacy()) =>
  planFor(parseScenario(`project: ref\ntimeout: 1s\nexpect:\n${body}`, 's.yml'), topology, {
    runId: 'r',
  });

t.test('from the default bridge: by address only, no DNS control, and a dns: target decided by the fact', async (t) => {
  const p = plan(
    `  - from: { network: bridge }\n    to: [redis:6379, dns:redis]\n    reachable: false\n  - from: { service: legacy }\n    to: [redis:6379]\n    reachable: false\n`,
  );
  for (const probe of p.probes)
    t.equal(probe.controls.dnsCheckId, undefined, `${probe.label}: no DNS control where there is no DNS`);
  const [byAddress, name, fromService] = p.cells;
  t.same(
    byAddress!.attempts.map((a) => a.via),
    ['address'],
    'redis is tried at its address only',
  );
  t.same(name!.attempts, []);
  t.same(
    fromService!.attempts.map((a) => a.via),
    ['address'],
  );
  const oracle: Oracle = (check) =>
    check.kind === 'tcp' && /^172\.17\./.test(check.host)
      ? { outcome: 'open', address: check.host, port: 6000 }
      : check.kind === 'dns'
        ? { outcome: 'dns-error', errorCode: 'ECONNREFUSED' }
        : healthy([])(check);
  const { verdicts } = judge(p, fakeResults(p, oracle));
  t.same(
    verdicts.map((v) => [v.status, v.code]),
    [
      ['pass', 'blocked'],
      ['pass', 'no-embedded-dns'],
      ['pass', 'blocked'],
    ],
  );
  t.match(verdicts[1]!.reason, /no embedded DNS \(Docker's default bridge\)/);
});

t.test('from the default bridge, a target expected reachable is reached at any of its addresses', async (t) => {
  const p = plan(`  - from: { network: bridge }\n    to: [legacy:6000, dns:legacy]\n    reachable: true\n`);
  t.same(
    p.cells[0]!.attempts.map((a) => a.via),
    ['address'],
  );
  const oracle: Oracle = (check) =>
    check.kind === 'tcp' && check.host === '172.17.0.2'
      ? { outcome: 'open', address: '172.17.0.2', port: 6000 }
      : healthy([])(check);
  const { verdicts } = judge(p, fakeResults(p, oracle));
  t.same(
    verdicts.map((v) => [v.status, v.code]),
    [
      ['pass', 'reached'],
      ['fail', 'no-embedded-dns'],
    ],
  );
});

t.test('a target in the host network namespace is inconclusive, never blocked by name', async (t) => {
  const topology = referenceTopology({
    metrics: [{ ...container('metrics', 9100, [[BRIDGE, '']]), networks: [], networkMode: 'host' }],
  });
  const p = plan(`  - from: { network: public-facing }\n    to: [metrics:9100]\n    reachable: false\n`, topology);
  const { verdicts } = judge(p, fakeResults(p, healthy(['proxy', '172.18.0.2'])));
  t.same([verdicts[0]!.status, verdicts[0]!.code], ['inconclusive', 'target-in-host-network']);
  t.same(p.cells[0]!.attempts, [], 'nothing is tried that could read as blocked');
});

t.test(
  'a target in the host network namespace, from a bridge with a gateway: tried at the host there; a refusal proves nothing',
  async (t) => {
    const base = referenceTopology({
      metrics: [{ ...container('metrics', 9100, [[BRIDGE, '']]), networks: [], networkMode: 'host' }],
    });
    const topology = {
      ...base,
      networks: base.networks.map((n) => (n.composeName === 'public-facing' ? { ...n, gateway: '172.18.0.1' } : n)),
    };
    const blocked = plan(
      `  - from: { network: public-facing }\n    to: [metrics:9100, dns:metrics]\n    reachable: false\n`,
      topology,
    );
    t.same(
      blocked.cells[0]!.attempts.map((a) => [a.via, a.description]),
      [
        [
          'address',
          "172.18.0.1:9100 (the host at the gateway of public-facing: metrics runs in the host's network namespace)",
        ],
      ],
    );
    const at =
      (outcome: 'open' | 'timeout' | 'refused'): Oracle =>
      (check) =>
        check.kind === 'tcp' && check.host === '172.18.0.1'
          ? { outcome, address: '172.18.0.1', port: 9100 }
          : healthy(['proxy', '172.18.0.2'])(check);
    const verdictsOf = (outcome: 'open' | 'timeout' | 'refused') =>
      judge(blocked, fakeResults(blocked, at(outcome))).verdicts.map((v) => [v.status, v.code]);
    t.same(
      verdictsOf('timeout'),
      [
        ['pass', 'blocked'],
        ['inconclusive', 'target-in-host-network'],
      ],
      "silence at the host's address, with the probe's controls: blocked; a name it never has: undecided",
    );
    t.same(verdictsOf('open')[0], ['fail', 'reached']);
    t.same(
      verdictsOf('refused')[0],
      ['inconclusive', 'target-in-host-network'],
      'nothing listens at the gateway, but it may listen on another host address',
    );
    const reachable = plan(
      `  - from: { network: public-facing }\n    to: [metrics:9100]\n    reachable: true\n`,
      topology,
    );
    t.same(
      judge(reachable, fakeResults(reachable, at('open'))).verdicts.map((v) => [v.status, v.code]),
      [['pass', 'reached']],
    );
  },
);

t.test(
  "Podman's default network is `podman`, without DNS likewise; on Docker that name is a network like any",
  async (t) => {
    const podmanNet: TopologyNetwork = { ...BRIDGE, id: 'net-podman', name: 'podman', subnets: ['10.88.0.0/16'] };
    const legacy = { ...container('legacy', 6000, [[podmanNet, '10.88.0.2']]), networkMode: 'podman' };
    const base = referenceTopology({ legacy: [legacy] });
    const scenario = `  - from: { service: legacy }\n    to: [redis:6379]\n    reachable: false\n`;
    const onPodman = {
      ...base,
      networks: [...base.networks, podmanNet],
      engine: { ...base.engine, product: 'podman' as const },
    };
    t.equal(plan(scenario, onPodman).probes[0]!.controls.dnsCheckId, undefined, 'Podman: no DNS control there');
    const onDocker = { ...onPodman, engine: { ...onPodman.engine, product: 'docker' as const } };
    t.not(plan(scenario, onDocker).probes[0]!.controls.dnsCheckId, undefined, 'Docker: a network named podman has DNS');
  },
);
