import t from 'tap';
import { checkHost } from '../../../probes/agent/protocol.js';
import { judge } from '../../../src/judge/judge.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { bindOwnControlPeer } from '../../../src/plan/own-control-peer.js';
import type { Plan } from '../../../src/plan/plan.js';
import { parseScenario } from '../../../src/scenario/parse-scenario.js';
import type { Topology, TopologyNetwork } from '../../../src/topology/topology.js';
import { fakeResults, healthy, type Oracle } from '../../fixtures/observe.js';
import { container, INTERNAL, PUBLIC, referenceTopology } from '../../fixtures/reference-topology.js';

// Both networks with IPv6 (enable_ipv6), as in the issue's reproduction on engine 20.10: isolated over IPv4, open
// over IPv6 because that engine wrote no ip6tables rules.
const PUBLIC6: TopologyNetwork = { ...PUBLIC, subnets: ['172.18.0.0/16', 'fd00:dbaa::/64'] };
const INTERNAL6: TopologyNetwork = { ...INTERNAL, subnets: ['172.19.0.0/16', 'fd00:dbbb::/64'] };

function withIpv6(c: ReturnType<typeof container>, ...addresses: string[]): ReturnType<typeof container> {
  return { ...c, networks: c.networks.map((n, i) => ({ ...n, ipv6: addresses[i] })) };
}

function dualStack(): Topology {
  const base = referenceTopology({
    proxy: [withIpv6(container('proxy', 8080, [[PUBLIC6, '172.18.0.2']]), 'fd00:dbaa::2')],
    frontend: [
      withIpv6(
        container('frontend', 3000, [
          [PUBLIC6, '172.18.0.4'],
          [INTERNAL6, '172.19.0.4'],
        ]),
        'fd00:dbaa::4',
        'fd00:dbbb::4',
      ),
    ],
    api: [
      withIpv6(
        container('api', 3001, [
          [PUBLIC6, '172.18.0.3'],
          [INTERNAL6, '172.19.0.5'],
        ]),
        'fd00:dbaa::3',
        'fd00:dbbb::5',
      ),
    ],
    redis: [withIpv6(container('redis', 6379, [[INTERNAL6, '172.19.0.2']]), 'fd00:dbbb::2')],
  });
  return { ...base, networks: [PUBLIC6, INTERNAL6] };
}

const blocked = `  - from: { network: public-facing }\n    to: [redis:6379]\n    reachable: false\n`;
const PEERS = ['proxy', 'frontend', 'api', '172.18.0.2', '172.18.0.4', '172.18.0.3'];
const PEERS6 = ['fd00:dbaa::2', 'fd00:dbaa::4', 'fd00:dbaa::3'];

function plan(topology: Topology, body = blocked): Plan {
  const s = parseScenario(`project: ref\ntimeout: 1s\nexpect:\n${body}`, 's.yml');
  return buildPlan(s.expectations, topology, { runId: 'r' });
}

/** IPv4 as in a healthy deployment; IPv6 peers answer; `redis6` decides what redis's IPv6 address and AAAA do. */
function oracle(redis6: 'open' | 'timeout', peers6: 'open' | 'timeout' = 'open'): Oracle {
  return (check) => {
    const host = checkHost(check);
    if (PEERS6.includes(host))
      return peers6 === 'open'
        ? { outcome: 'open', address: host, port: 1 }
        : { outcome: 'timeout', address: host, port: 1 };
    if (host === 'fd00:dbbb::2') return { outcome: redis6, address: host, port: 6379 };
    if (check.family === 6 && host === 'redis')
      return redis6 === 'open' ? { outcome: 'open', address: 'fd00:dbbb::2', port: 6379 } : { outcome: 'nxdomain' };
    return healthy(PEERS)(check);
  };
}

t.test(
  'a target with IPv6 is tried over IPv6 too: AAAA by name, every IPv6 address, with an IPv6 control',
  async (t) => {
    const p = plan(dualStack());
    const cell = p.cells[0]!;
    t.same(
      cell.attempts.map((a) => [a.via, a.family]),
      [
        ['name', 4],
        ['name', 6],
        ['address', 4],
        ['address', 6],
      ],
    );
    t.match(cell.attempts[3]!.description, /^\[fd00:dbbb::2\]:6379 \(ref_redis_1 on internal-backend\)$/);
    const checks = p.probes[0]!.plan.checks;
    t.equal(checks.find((c) => c.id === cell.attempts[1]!.checkId)!.family, 6);
    // The first packets to a just-started IPv6 neighbour wait about 2 s (engine 20.10): a 1 s timeout read a leak as blocked.
    const timeouts = cell.attempts.map((a) => checks.find((c) => c.id === a.checkId)!.timeoutMs);
    t.same(timeouts, [1000, 3000, 1000, 3000]);
    const six = p.probes[0]!.controls.reach6CheckIds;
    t.ok(six.length > 0, 'an IPv6 control is planned');
    t.ok(
      six.every((id) => PEERS6.includes((checks.find((c) => c.id === id) as { host: string }).host)),
      'it aims at peers over IPv6',
    );
    t.ok(
      six.every((id) => p.probes[0]!.plan.controls.includes(id)),
      'and is repeated like every control',
    );
  },
);

t.test(
  'no IPv6 attempts from a source without IPv6, nor to a target without it, nor for a reachable expectation',
  async (t) => {
    const v4Source = dualStack();
    v4Source.networks = [PUBLIC, INTERNAL6];
    t.same(
      plan(v4Source).cells[0]!.attempts.map((a) => a.family),
      [4, 4],
    );
    t.same(plan(v4Source).probes[0]!.controls.reach6CheckIds, []);
    t.same(
      plan(referenceTopology()).cells[0]!.attempts.map((a) => a.family),
      [4, 4],
    );
    const reachable = plan(
      dualStack(),
      `  - from: { network: public-facing }\n    to: [frontend:3000]\n    reachable: true\n`,
    );
    t.same(
      reachable.cells[0]!.attempts.map((a) => a.family),
      [4],
    );
    t.same(reachable.probes[0]!.controls.reach6CheckIds, []);
  },
);

t.test('blocked over IPv4 and open over IPv6 is a FAIL naming the family (the engine-20.10 leak)', async (t) => {
  const p = plan(dualStack());
  const { verdicts, controls } = judge(p, fakeResults(p, oracle('open')));
  t.equal(verdicts[0]!.status, 'fail');
  t.equal(verdicts[0]!.code, 'reached-over-ipv6');
  t.match(verdicts[0]!.reason, /blocked over IPv4, but open over IPv6: .*\[fd00:dbbb::2\]:6379/);
  t.equal(controls[0]!.reach6, true);
});

t.test('blocked over both families, with both controls proven, passes', async (t) => {
  const p = plan(dualStack());
  const { verdicts, controls } = judge(p, fakeResults(p, oracle('timeout')));
  t.equal(verdicts[0]!.status, 'pass');
  t.equal(verdicts[0]!.code, 'blocked');
  t.match(controls[0]!.detail, /reached \S+ over IPv6 \(open \[fd00:dbaa::\d\]:1\)/);
});

t.test('fail closed: IPv6 blocked, but no IPv6 peer answered: inconclusive, never blocked', async (t) => {
  const p = plan(dualStack());
  const { verdicts, controls } = judge(p, fakeResults(p, oracle('timeout', 'timeout')));
  t.equal(controls[0]!.reach6, false);
  t.equal(verdicts[0]!.status, 'inconclusive');
  t.equal(verdicts[0]!.code, 'ipv6-control-failed');
  t.match(verdicts[0]!.reason, /IPv6 control failed/);
});

t.test('fail closed: no running peer with IPv6 on the source network: IPv6 unproven', async (t) => {
  const topology = dualStack();
  // Every public-facing peer lost its IPv6 address: nothing to prove IPv6 reach against.
  topology.services = topology.services.map((s) =>
    s.name === 'redis'
      ? s
      : {
          ...s,
          containers: s.containers.map((c) => ({
            ...c,
            networks: c.networks.map((n) => ({ ...n, ipv6: n.networkId === PUBLIC6.id ? undefined : n.ipv6 })),
          })),
        },
  );
  const p = plan(topology);
  const own = p.probes[0]!.controls.ownPeer;
  t.match(
    own,
    { kind: 'wanted', network: { id: PUBLIC6.id }, checkId: undefined },
    "dockprobe's own peer, for IPv6 only",
  );
  t.same(p.probes[0]!.controls.reach6CheckIds, [own?.kind === 'wanted' ? own.checkId6 : 'none']);
  // No control peer was given to the probe: its check never ran, and IPv6 stays unproven.
  const { verdicts } = judge(p, fakeResults(p, oracle('timeout')));
  t.equal(verdicts[0]!.code, 'ipv6-control-failed');
  t.match(
    verdicts[0]!.reason,
    /no running peer with an IPv6 address.*dockprobe's own control peer .* did not answer over IPv6/,
  );

  // Given one that answered over IPv6, the probe runs with its address in place of the placeholder
  // (bindOwnControlPeer), proves IPv6 reach against it, and the silence counts.
  const peer = {
    status: 'ready' as const,
    network: 'public-facing',
    container: 'dockprobe-r-peer-1',
    containerId: '0123456789ab',
    address: '172.18.0.100',
    address6: 'fd00:dbaa::64',
    port: 40004,
  };
  const bound = { ...p, probes: p.probes.map((spec) => bindOwnControlPeer(spec, peer)) };
  const ran = fakeResults(bound, (check) =>
    check.kind === 'tcp' && check.host === peer.address6
      ? { outcome: 'open', address: peer.address6, port: check.port }
      : oracle('timeout')(check),
  ).map((r) => ({ ...r, controlPeer: peer }));
  const proven = judge(p, ran);
  t.same([proven.verdicts[0]!.status, proven.verdicts[0]!.code], ['pass', 'blocked']);
  t.match(
    proven.controls[0]!.detail,
    /over IPv6 \(open \[fd00:dbaa::64\]:40004\), dockprobe's own control peer dockprobe-r-peer-1/,
  );
});

t.test('open over both families is a plain breach', async (t) => {
  const p = plan(dualStack());
  const bothOpen: Oracle = (check) =>
    check.kind === 'tcp' && check.host === '172.19.0.2'
      ? { outcome: 'open', address: '172.19.0.2', port: 6379 }
      : oracle('open')(check);
  const { verdicts } = judge(p, fakeResults(p, bothOpen));
  t.equal(verdicts[0]!.code, 'reached');
});
